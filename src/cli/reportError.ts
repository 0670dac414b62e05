import type { CommandEnv } from "../commands/commandEnv.js";
import { CliError, ExitCode } from "../errors.js";

/** Exported so in-process tests end a command exactly as the process would. */
export function reportError(error: unknown, env: CommandEnv): number {
  if (error instanceof CliError) {
    env.stderr.write(`twilio-bulk: ${error.message}\n`);
    if (error.hint) env.stderr.write(`${error.hint}\n`);
    return error.exitCode;
  }
  const busy = journalBusy(error);
  if (busy) return reportError(busy, env);
  if (error instanceof RangeError && /must be/.test(error.message)) {
    env.stderr.write(`twilio-bulk: ${error.message}\n`);
    return ExitCode.usage;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  env.stderr.write(
    `twilio-bulk: internal error: ${stack}\nThis is a bug in twilio-bulk; please report it with the command you ran.\n`,
  );
  return ExitCode.software;
}

/**
 * better-sqlite3 throws SQLITE_BUSY / SQLITE_LOCKED (or an extended code of them) when another
 * connection held the journal's write lock past the busy timeout. Library code keeps throwing
 * it (it cannot know whether to wait longer); to the user it is a temporary failure, not a bug.
 * Matched by name and code so this file does not load the native module.
 */
function journalBusy(error: unknown): CliError | undefined {
  if (!(error instanceof Error) || error.name !== "SqliteError") return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !/^SQLITE_(BUSY|LOCKED)(_|$)/.test(code)) return undefined;
  return new CliError(
    `the journal is busy (${code}: ${error.message})`,
    ExitCode.tempFail,
    "Another process is writing to the journal and held it longer than twilio-bulk waits; try again when it has finished (or use another --journal).",
  );
}
