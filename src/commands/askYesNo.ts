import { createInterface } from "node:readline";
import type { CommandEnv } from "./commandEnv.js";

export type Answer = "yes" | "no" | "interrupted";

/** Someone can answer: standard input and output are both a terminal (never under cron or a pipe). */
export function canAsk(env: CommandEnv): boolean {
  return (env.stdin as { isTTY?: boolean }).isTTY === true && env.stdout.isTTY === true;
}

/**
 * Asks on stderr (stdout stays the command's output), or on stdout when stderr goes to a file
 * (`2>err.log`), where nobody would see the question; then reads one line. Only `y` or `yes`
 * is yes; an empty line, anything else and the end of input are no. The terminal stays in
 * line mode, so Ctrl-C is the usual SIGINT, which arrives here as the command's abort signal.
 */
export async function askYesNo(question: string, env: CommandEnv): Promise<Answer> {
  if (env.signal.aborted) return "interrupted";
  const lines = createInterface({ input: env.stdin, terminal: false });
  const stop = new AbortController();
  const terminal = (env.stderr as { isTTY?: boolean }).isTTY === true ? env.stderr : env.stdout;
  terminal.write(`${question} [y/N] `);
  try {
    return await new Promise<Answer>((resolve) => {
      lines.once("line", (line) => resolve(/^\s*y(es)?\s*$/i.test(line) ? "yes" : "no"));
      lines.once("close", () => resolve("no"));
      env.signal.addEventListener("abort", () => resolve("interrupted"), { signal: stop.signal });
    });
  } finally {
    stop.abort();
    lines.close();
  }
}
