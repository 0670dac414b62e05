import { type LockFlags, parseLockFlags } from "./lockOptions.js";
import { parseScheduleOptions, type RawSendOptions, type ScheduleOptions } from "./sendOptions.js";

/**
 * The flags shared by the commands that work on a run already in the journal and talk to
 * Twilio (`retry`, `reconcile`), as commander hands them over.
 */
export type RawRunCommandOptions = Pick<
  RawSendOptions,
  | "rate"
  | "burst"
  | "concurrency"
  | "maxAttempts"
  | "timeout"
  | "apiUrl"
  | "profile"
  | "journal"
  | "run"
  | "breakLock"
> & { json?: boolean };

export interface RunCommandOptions extends ScheduleOptions {
  run: string | undefined;
  journal: string | undefined;
  json: boolean;
  lock: LockFlags;
}

export function parseRunCommandOptions(
  raw: RawRunCommandOptions,
  env: NodeJS.ProcessEnv,
): RunCommandOptions {
  return {
    ...parseScheduleOptions(raw, env),
    run: raw.run,
    journal: raw.journal,
    json: raw.json ?? false,
    lock: parseLockFlags(raw, env),
  };
}
