import type { Command } from "commander";
import { shellQuote } from "../core/shellQuote.js";
import { isPostgresUrl, parsePostgresUrl } from "../journal/postgresUrl.js";

/** The command as typed, to print as the one to run again: a journal URL loses its password. */
export function invocation(args: readonly string[]): string {
  const shown = args.map((arg, i) => {
    const flag = args[i - 1] === "--journal";
    const inline = arg.startsWith("--journal=");
    const value = inline ? arg.slice("--journal=".length) : arg;
    if (!(flag || inline) || !isPostgresUrl(value)) return arg;
    const url = parsePostgresUrl(value).shown;
    return inline ? `--journal=${url}` : url;
  });
  return ["twilio-bulk", ...shown.map(shellQuote)].join(" ");
}

/** The command line as given, rebuilt from commander's parse so it can be printed to resume. */
export function restArgs(
  file: string,
  raw: Record<string, string | boolean | undefined>,
  cmd: Command,
): string[] {
  const args = [file];
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === false) continue;
    // Defaults and environment values apply again by themselves; repeat only what was typed.
    if (cmd.getOptionValueSource(key) !== "cli") continue;
    // A broken lock is broken once: the resumed command waits for a live holder again.
    if (
      key === "json" ||
      key === "dryRun" ||
      key === "newRun" ||
      key === "yes" ||
      key === "rowsOut" ||
      key === "breakLock"
    )
      continue;
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (value === true) args.push(flag);
    else args.push(flag, value);
  }
  return args;
}
