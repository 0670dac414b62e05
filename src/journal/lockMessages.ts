import { CliError, ExitCode } from "../errors.js";

/** Who holds a run's lock, as the `run_locks` table records it. Times are wall-clock ms. */
export interface LockHolder {
  pid: number;
  host: string;
  acquiredAt: number;
  /** The last heartbeat; null for a lock written by a twilio-bulk without leases. */
  renewedAt: number | null;
  leaseMs: number | null;
  /** Tells one holding from the next (the fence); rows it claimed carry it as their owner. */
  token: string;
  /** Held with the run's other senders (workers of one run), or alone. */
  shared: boolean;
}

/** Why a lock was taken from the process that held it. */
export type TakeOver = {
  runId: number;
  holder: LockHolder;
  why: "dead" | "lapsed" | "broken";
};

const iso = (ms: number) => new Date(ms).toISOString();

/** When the holder's lease runs out unless renewed; null for a lock without a lease. */
export function lapsesAt(holder: LockHolder): number | null {
  return holder.renewedAt === null || holder.leaseMs === null
    ? null
    : holder.renewedAt + holder.leaseMs;
}

function describeHolder(holder: LockHolder): string {
  let text = `process ${holder.pid} on host ${holder.host} (since ${iso(holder.acquiredAt)}`;
  const lapses = lapsesAt(holder);
  if (holder.renewedAt !== null && lapses !== null) {
    text += `; last heartbeat ${iso(holder.renewedAt)}, its lease lapses at ${iso(lapses)} unless renewed`;
  }
  return `${text})`;
}

/** Exit 75: a live holder works on the run (and `others` more with it). */
export class RunLockedError extends CliError {
  constructor(
    readonly runId: number,
    readonly holder: LockHolder,
    myHost: string,
    others = 0,
  ) {
    const { message, hint } = lockedMessage(runId, holder, myHost, others);
    super(message, ExitCode.tempFail, hint);
  }
}

function lockedMessage(
  runId: number,
  holder: LockHolder,
  myHost: string,
  others: number,
): { message: string; hint: string } {
  const lapses = lapsesAt(holder);
  const breakIt =
    "to take it over now, run this command again with --break-lock (if that process is in fact still running, rows could be sent twice).";
  let hint: string;
  if (holder.host === myHost) {
    hint = `Wait for it to finish, or stop it (kill ${holder.pid}) and run this command again; a lock left by a process that died is taken over by itself. (--break-lock takes it over at once, but while that process runs, rows could be sent twice.)`;
  } else if (lapses !== null) {
    hint = `Wait for it to finish. If that process is gone (its machine or container was killed), this command takes the run over by itself once the lease has lapsed, at ${iso(lapses)}; ${breakIt}`;
  } else {
    hint = `That lock has no heartbeat (it was taken by an older twilio-bulk), so twilio-bulk cannot tell from here whether that process still runs. If it does not, ${breakIt}`;
  }
  const more = others === 0 ? "" : ` and ${others} other ${others === 1 ? "process" : "processes"}`;
  return { message: `run ${runId} is being worked on by ${describeHolder(holder)}${more}`, hint };
}

/** The line printed when a command takes a run's lock over. */
export function describeTakeOver({ runId, holder, why }: TakeOver): string {
  const who = `process ${holder.pid} on host ${holder.host} (held since ${iso(holder.acquiredAt)}${
    holder.renewedAt === null ? "" : `, last heartbeat ${iso(holder.renewedAt)}`
  })`;
  if (holder.shared && why !== "broken") {
    // One of the run's workers: the others carry on with what it held.
    const gone =
      why === "dead"
        ? "that process is no longer running"
        : `its lease lapsed at ${iso(lapsesAt(holder) ?? 0)} without a heartbeat`;
    return `twilio-bulk: recovered the rows of run ${runId} held by ${who}: ${gone}. The rows it had claimed go to the run's other workers; a request it had in flight is in doubt.\n`;
  }
  switch (why) {
    case "dead":
      return `twilio-bulk: took over the lock of run ${runId} from ${who}: that process is no longer running.\n`;
    case "lapsed":
      return `twilio-bulk: took over the lock of run ${runId} from ${who}: its lease lapsed at ${iso(lapsesAt(holder) ?? 0)} without a heartbeat.\n`;
    case "broken":
      return `twilio-bulk: warning: --break-lock took the lock of run ${runId} from ${who}. If that process is still alive, rows could be sent twice (it starts no new request once it sees the lock gone; the ones it has in flight are in doubt here).\n`;
  }
}

/** Exit 75: this process's lock was taken over while it worked; it stopped starting requests. */
export function lostError(runId: number, next: LockHolder | undefined): CliError {
  const by = next
    ? ` by process ${next.pid} on host ${next.host} at ${iso(next.acquiredAt)}`
    : " (and released since)";
  return new CliError(
    `the lock of run ${runId} was taken over${by}: this process started no request after that; the ones in flight are in doubt`,
    ExitCode.tempFail,
    "Its heartbeat was missed for longer than the lease (a stalled process or machine), or another command used --break-lock. The process holding the run now carries on with it; `twilio-bulk reconcile` settles the rows in doubt.",
  );
}
