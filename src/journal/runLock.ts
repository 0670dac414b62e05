import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Journal } from "./journal.js";
import {
  type LockHolder,
  lapsesAt,
  lockedError,
  lostError,
  type TakeOver,
} from "./lockMessages.js";
import type { SqlQueries } from "./sql/sqlClient.js";

export type { LockHolder, TakeOver } from "./lockMessages.js";

/** Held while a process works on a run; release it in a `finally`. Releasing twice is harmless. */
export interface RunLock {
  readonly runId: number;
  /**
   * Aborted (its reason a CliError, exit 75) once a heartbeat finds the lock taken over: start
   * nothing more. The journal refuses this process's new attempts from the takeover on anyway.
   */
  readonly lost: AbortSignal;
  /** Reads the lock now: true while this process holds it; false aborts `lost`. */
  check(): Promise<boolean>;
  release(): Promise<void>;
}

/** How long a lock holds without a heartbeat; renewed every quarter of it. */
export const DEFAULT_LEASE_MS = 60_000;

export interface LockOptions {
  /** @default process.pid */
  pid?: number;
  /** @default os.hostname() */
  host?: string;
  /** @default Date.now */
  now?: () => number;
  /** Whether a pid on this host is alive. @default signal 0 (EPERM counts as alive) */
  isAlive?: (pid: number) => boolean;
  /** @default DEFAULT_LEASE_MS */
  leaseMs?: number;
  /** Take the lock whatever holds it (`--break-lock`). */
  breakLock?: boolean;
  /** Told when the lock is taken from another holder (dead, lapsed, or broken on purpose). */
  onTakeOver?: (takeOver: TakeOver) => void;
}

/** Locks this process holds, by journal path and run: a row naming our pid is otherwise stale. */
const heldHere = new Set<string>();

/**
 * Takes the run's lock, or throws exit 75 naming the holder. Taken over: a lock whose holder on
 * this host no longer exists (kill -9, a crash, a reboot), a lock whose lease lapsed (its holder,
 * on any host, stopped renewing it: a killed container that the next one, with a new hostname,
 * replaces), and with `breakLock` any lock.
 *
 * Why a row in the journal rather than proper-lockfile: the lock must live with the run (one
 * journal file holds many runs, and a copied or moved journal takes its runs with it);
 * proper-lockfile judges staleness by mtime alone and cannot say who holds its lock. Here the
 * check and the claim are one write-locked transaction, so two processes can never both win,
 * a dead holder on this host is known at once by its pid, and one elsewhere by its lease.
 *
 * The lease compares the holder's clock with ours: hosts sharing a journal must agree on the
 * time to well within the lease (NTP does). A pid reused by an unrelated process after the
 * holder died keeps the lock until its lease lapses; the message names the pid.
 *
 * Fencing: each holding has a token, which the journal checks in the transaction that marks an
 * attempt in flight (runLockFence.ts): once a takeover has committed, this process sends nothing
 * new. A request already in flight then is the new holder's to recover as in doubt.
 */
export async function acquireRunLock(
  journal: Journal,
  runId: number,
  options: LockOptions = {},
  /** The caller's transaction (claimRun), so the check and the claim are one with its own. */
  q?: SqlQueries,
): Promise<RunLock> {
  const me = { pid: options.pid ?? process.pid, host: options.host ?? hostname() };
  const now = options.now ?? Date.now;
  const isAlive = options.isAlive ?? pidIsAlive;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const sql = journal.sql;
  const key = `${journal.path}\u0000${runId}`;
  const token = randomUUID();
  const claim = async (tx: SqlQueries) => {
    const holder = await lockHolder(tx, runId);
    const at = now();
    if (holder) {
      const why = takeOverReason(holder, { ...me, key, at, isAlive, broken: !!options.breakLock });
      if (!why) throw lockedError(runId, holder, me.host);
      options.onTakeOver?.({ runId, holder, why });
    }
    await tx.run(
      `INSERT INTO run_locks (run_id, pid, host, acquired_at, renewed_at, lease_ms, token)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET pid = excluded.pid, host = excluded.host,
         acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at,
         lease_ms = excluded.lease_ms, token = excluded.token`,
      [runId, me.pid, me.host, at, at, leaseMs, token],
    );
  };
  await (q ? claim(q) : sql.transaction(claim));
  journal.heldLocks.set(runId, token);

  let held = true;
  let closed = false;
  heldHere.add(key);
  const controller = new AbortController();
  const lose = async () => {
    if (controller.signal.aborted) return;
    clearInterval(timer);
    const next = await lockHolder(sql, runId).catch(() => undefined);
    controller.abort(lostError(runId, next));
  };
  const check = async (): Promise<boolean> => {
    if (controller.signal.aborted) return false;
    if (closed) return held;
    try {
      if ((await lockHolder(sql, runId))?.token === token) return true;
    } catch {
      // The journal closed under us (the process is ending) or busy: judge by what we know.
      return held;
    }
    await lose();
    return false;
  };
  let renewing = false;
  const renew = async () => {
    if (!held) {
      clearInterval(timer);
      return;
    }
    if (renewing) return;
    renewing = true;
    try {
      // One autocommit statement: a heartbeat never waits inside a transaction.
      const renewed = await sql.run(
        "UPDATE run_locks SET renewed_at = ? WHERE run_id = ? AND token = ?",
        [now(), runId, token],
      );
      if (renewed.changes === 0 && held) await lose();
    } catch {
      // The journal busy past its timeout, or closed: the lease allows three missed heartbeats.
    } finally {
      renewing = false;
    }
  };
  const timer = setInterval(() => void renew(), Math.max(1, Math.floor(leaseMs / 4)));
  // The heartbeat must never keep a finished command's process alive.
  timer.unref();
  return {
    runId,
    lost: controller.signal,
    check,
    async release() {
      if (!held) return;
      held = false;
      closed = true;
      clearInterval(timer);
      heldHere.delete(key);
      if (journal.heldLocks.get(runId) === token) journal.heldLocks.delete(runId);
      try {
        await sql.run("DELETE FROM run_locks WHERE run_id = ? AND token = ?", [runId, token]);
      } catch {
        // A closed journal means the process is ending anyway: the next start reclaims the row.
      }
    },
  };
}

/** Why `holder` may be replaced now, or undefined when it still holds the run. */
function takeOverReason(
  holder: LockHolder,
  me: {
    pid: number;
    host: string;
    key: string;
    at: number;
    isAlive: (pid: number) => boolean;
    broken: boolean;
  },
): TakeOver["why"] | undefined {
  const sameHost = holder.host === me.host;
  // A holder with our own pid on our host that this process does not hold is a previous life
  // of this pid (a container's pid 1 after kill -9): that process is gone, we are running now.
  if (sameHost && holder.pid === me.pid && !heldHere.has(me.key)) return "dead";
  if (me.broken) return "broken";
  if (sameHost && holder.pid !== me.pid && !me.isAlive(holder.pid)) return "dead";
  const lapses = lapsesAt(holder);
  if (lapses !== null && me.at >= lapses) return "lapsed";
  return undefined;
}

/** The process holding a run's lock, if any (dead or alive). */
export async function lockHolder(q: SqlQueries, runId: number): Promise<LockHolder | undefined> {
  const row = await q.get<{
    pid: number;
    host: string;
    acquired_at: number;
    renewed_at: number | null;
    lease_ms: number | null;
    token: string | null;
  }>("SELECT pid, host, acquired_at, renewed_at, lease_ms, token FROM run_locks WHERE run_id = ?", [
    runId,
  ]);
  return (
    row && {
      pid: row.pid,
      host: row.host,
      acquiredAt: row.acquired_at,
      renewedAt: row.renewed_at,
      leaseMs: row.lease_ms,
      token: row.token,
    }
  );
}

export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
