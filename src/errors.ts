/**
 * The three kinds of error the CLI entry knows. Library code throws these; only src/cli.ts
 * turns them into a message and an exit code. Codes follow sysexits(3).
 */
export const ExitCode = {
  ok: 0,
  rowsFailed: 1,
  inDoubt: 3,
  quietHours: 4,
  usage: 64,
  dataErr: 65,
  noInput: 66,
  software: 70,
  cantCreate: 73,
  ioErr: 74,
  tempFail: 75,
  noPerm: 77,
  config: 78,
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A user's or the environment's mistake: printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Bad flags or arguments (exit 64). */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
    this.name = "UsageError";
  }
}

export interface InputLocation {
  file: string;
  line?: number;
  column?: number;
}

/** A file-level problem with the input: nothing is sent (exit 65, or 66 when it is missing). */
export class InputError extends CliError {
  constructor(
    message: string,
    readonly location: InputLocation,
    hint?: string,
    exitCode: number = ExitCode.dataErr,
  ) {
    super(`${formatLocation(location)}: ${message}`, exitCode, hint);
    this.name = "InputError";
  }
}

export function formatLocation({ file, line, column }: InputLocation): string {
  let where = file === "-" ? "<stdin>" : file;
  if (line !== undefined) where += `:${line}`;
  if (line !== undefined && column !== undefined) where += `:${column}`;
  return where;
}

/**
 * How a run stopped by a signal ends: 143 for SIGTERM, else 130 (SIGINT, or a closed stdout
 * that the CLI turns into the same stop), with the words the summary prints.
 */
export function interruption(signal: AbortSignal): { exitCode: number; reason: string } {
  return {
    exitCode: signal.reason === "SIGTERM" ? ExitCode.terminated : ExitCode.interrupted,
    reason: `interrupted by ${String(signal.reason ?? "a signal")}`,
  };
}
