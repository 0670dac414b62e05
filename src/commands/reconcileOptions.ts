import { parseDuration } from "../core/parseDuration.js";
import { UsageError } from "../errors.js";
import { type LockFlags, parseLockFlags } from "./lockOptions.js";
import { parseScheduleOptions, type RawSendOptions, type ScheduleOptions } from "./sendOptions.js";

/** Options as commander hands them over. */
export interface RawReconcileOptions
  extends Pick<
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
  > {
  grace?: string;
  json?: boolean;
}

export interface ReconcileOptions extends ScheduleOptions {
  run: string | undefined;
  journal: string | undefined;
  /** A row not found at Twilio goes back to pending only when attempted longer ago than this. */
  graceMs: number;
  json: boolean;
  lock: LockFlags;
}

/** How long a message Twilio created may take to show in its list; unconfirmed, so generous. */
export const DEFAULT_GRACE = "10m";

export function parseReconcileOptions(
  raw: RawReconcileOptions,
  env: NodeJS.ProcessEnv,
): ReconcileOptions {
  const grace = raw.grace ?? DEFAULT_GRACE;
  const graceMs = parseDuration(grace);
  if (graceMs === undefined) {
    throw new UsageError(
      `\`--grace\` must be a duration such as 10m, 90s, 1h or a number of seconds, got \`${grace}\``,
    );
  }
  return {
    ...parseScheduleOptions(raw, env),
    run: raw.run,
    journal: raw.journal,
    graceMs,
    json: raw.json ?? false,
    lock: parseLockFlags(raw, env),
  };
}
