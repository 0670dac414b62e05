import type { RetryFilter } from "../core/decideRetry.js";
import { UsageError } from "../errors.js";
import { parseQuietHoursOptions, type QuietHoursOptions } from "./quietHoursOptions.js";
import {
  parseRunCommandOptions,
  type RawRunCommandOptions,
  type RunCommandOptions,
} from "./runCommandOptions.js";
import {
  type ListFlag,
  parseCodeList,
  parseStateList,
  parseStatusList,
} from "./selectionOptions.js";
import type { RawSendOptions } from "./sendOptions.js";

/** Options as commander hands them over. */
export type RawRetryOptions = RawRunCommandOptions &
  Pick<RawSendOptions, "quietHours" | "timezone" | "waitQuietHours"> & {
    state?: ListFlag;
    status?: ListFlag;
    code?: ListFlag;
    dryRun?: boolean;
  };

export interface RetryOptions extends RunCommandOptions {
  filter: RetryFilter;
  dryRun: boolean;
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
    ...parseRunCommandOptions(raw, env),
    filter,
    dryRun: raw.dryRun ?? false,
    quietHours: parseQuietHoursOptions(raw),
  };
}
