import { describeDelimiter } from "../input/detectDelimiter.js";
import type { CommandEnv } from "./commandEnv.js";

/**
 * A CSV read other than comma-separated says so on stderr ("Reading list.csv as
 * semicolon-separated."), so a file the detection got wrong is noticed before anything is sent.
 */
export function sayDelimiter(file: string, delimiter: string, env: CommandEnv): void {
  if (delimiter === ",") return;
  const name = file === "-" ? "<stdin>" : file;
  env.stderr.write(`Reading ${name} as ${describeDelimiter(delimiter)}.\n`);
}
