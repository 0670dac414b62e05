import type { RetryFilter } from "../core/decideRetry.js";
import { UsageError } from "../errors.js";
import { type LockFlags, parseLockFlags } from "./lockOptions.js";
import { parseQuietHoursOptions, type QuietHoursOptions } from "./quietHoursOptions.js";
import {
  type ListFlag,
  parseCodeList,
  parseStateList,
  parseStatusList,
} from "./selectionOptions.js";
import { parseScheduleOptions, type RawSendOptions, type ScheduleOptions } from "./sendOptions.js";

/** Options as commander hands them over. */
export interface RawRetryOptions
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
    | "quietHours"
    | "timezone"
    | "waitQuietHours"
  > {
  state?: ListFlag;
  status?: ListFlag;
  code?: ListFlag;
  dryRun?: boolean;
  json?: boolean;
}

export interface RetryOptions extends ScheduleOptions {
  filter: RetryFilter;
  run: string | undefined;
  journal: string | undefined;
  dryRun: boolean;
  json: boolean;
  lock: LockFlags;
  quietHours: QuietHoursOptions | undefined;
}

export const RETRY_STATES = ["failed", "pending", "in_doubt"] as const;

export function parseRetryOptions(raw: RawRetryOptions, env: NodeJS.ProcessEnv): RetryOptions {
  const filter: RetryFilter = {
    states: parseStateList("--state", raw.state, RETRY_STATES),
    statuses: parseStatusList("--status", raw.status),
    codes: parseCodeList("--code", raw.code),
  };
  if (filter.states.size + filter.statuses.size + filter.codes.size === 0) {
    throw new UsageError(
      "say which rows to retry: `--status`, `--code` or `--state`",
      "e.g. `twilio-bulk retry --status 429` (rate-limited rows) or `twilio-bulk retry --state failed`; `twilio-bulk report` shows what failed and why.",
    );
  }
  return {
    ...parseScheduleOptions(raw, env),
    filter,
    run: raw.run,
    journal: raw.journal,
    dryRun: raw.dryRun ?? false,
    json: raw.json ?? false,
    lock: parseLockFlags(raw, env),
    quietHours: parseQuietHoursOptions(raw),
  };
}
