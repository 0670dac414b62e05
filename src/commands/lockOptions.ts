import { parseDuration } from "../core/parseDuration.js";
import { CliError, ExitCode } from "../errors.js";
import { describeTakeOver } from "../journal/lockMessages.js";
import type { LockOptions } from "../journal/runLock.js";
import { READ_ONLY_APIS } from "../operations/registry.js";
import type { CommandEnv } from "./commandEnv.js";

/** How a command that works on a run takes its lock: `--break-lock` and the lease's length. */
export type LockFlags = Pick<LockOptions, "breakLock" | "leaseMs" | "host">;

/**
 * `--break-lock`, and TWILIO_BULK_LOCK_LEASE (a duration, default 60s): how long the lock holds
 * without a heartbeat. The lease is recorded with the lock, so whoever judges it uses the
 * holder's. Shorter: a killed container's run is taken over sooner; longer: a machine that
 * stalls (swapping, suspended) keeps its run.
 */
export function parseLockFlags(
  raw: { breakLock?: boolean | undefined },
  env: NodeJS.ProcessEnv,
): LockFlags {
  const flags: LockFlags = { breakLock: raw.breakLock === true };
  const lease = env.TWILIO_BULK_LOCK_LEASE;
  if (lease !== undefined && lease !== "") {
    const ms = parseDuration(lease);
    if (ms === undefined || ms < 1000) {
      throw new CliError(
        `TWILIO_BULK_LOCK_LEASE must be a duration of at least 1s (such as 60s or 5m), got \`${lease}\``,
        ExitCode.config,
      );
    }
    flags.leaseMs = ms;
  }
  // Test-only, deliberately undocumented: lets the tests play two hosts with child processes.
  // Whoever sets it claims another machine's name, whose dead pids this process would then judge.
  const host = env.TWILIO_BULK_TEST_HOSTNAME;
  if (host) flags.host = host;
  return flags;
}

/** The flags, plus a line on stderr whenever the lock is taken from another holder. */
export function lockOptionsFor(flags: LockFlags, env: CommandEnv): LockOptions {
  return {
    ...flags,
    readOnlyApis: READ_ONLY_APIS,
    onTakeOver: (takeOver) => env.stderr.write(describeTakeOver(takeOver)),
  };
}
