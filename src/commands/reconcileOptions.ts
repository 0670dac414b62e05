import { parseDuration } from "../core/parseDuration.js";
import { UsageError } from "../errors.js";
import {
  parseRunCommandOptions,
  type RawRunCommandOptions,
  type RunCommandOptions,
} from "./runCommandOptions.js";

/** Options as commander hands them over. */
export type RawReconcileOptions = RawRunCommandOptions & { grace?: string };

export interface ReconcileOptions extends RunCommandOptions {
  /** A row not found at Twilio goes back to pending only when attempted longer ago than this. */
  graceMs: number;
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
  return { ...parseRunCommandOptions(raw, env), graceMs };
}
