import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Journal } from "./journal.js";
import {
  type LockHolder,
  lapsesAt,
  lostError,
  RunLockedError,
  type TakeOver,
} from "./lockMessages.js";
import { recoverOrphans } from "./recoverOrphans.js";
import type { SqlQueries } from "./sql/sqlClient.js";

export type { LockHolder, TakeOver } from "./lockMessages.js";

/** Held while a process works on a run; release it in a `finally`. Releasing twice is harmless. */
export interface RunLock {
  readonly runId: number;
  /** This holding's token: rows it claims carry it as their owner (claimRows.ts). */
  readonly token: string;
  /** Shared with other senders of the run (a PostgreSQL journal's workers), or held alone. */
  readonly shared: boolean;
  /** Rows found in flight for a holder that is gone, made in doubt as this lock was taken. */
  readonly recovered: number;
  /**
   * Aborted (its reason a CliError, exit 75) once a heartbeat finds the lock taken over: start
   * nothing more. The journal refuses this process's new attempts from the takeover on anyway.
   */
  readonly lost: AbortSignal;
  /** Reads the lock now: true while this process holds it; false aborts `lost`. */
  check(): Promise<boolean>;
  /** Held alone until now (a new run's pre-flight): let the run's other senders join it. */
  share(): Promise<void>;
  /** Recovers the run's holders that are gone (see sweepRun); returns the rows made in doubt. */
  sweep(): Promise<number>;
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
  /** Take the lock whatever holds it (`--break-lock`); shared: whatever holds it alone. */
  breakLock?: boolean;
  /**
   * Join the run's other senders instead of holding it alone: refused only while a process holds
   * it alone (pre-flight, retry, reconcile). Only a journal that many hosts share offers it.
   */
  shared?: boolean;
  /** APIs whose requests only read: cut off in flight, their rows are asked again (not in doubt). */
  readOnlyApis?: readonly string[];
  /** Told when the lock is taken from another holder (dead, lapsed, or broken on purpose). */
  onTakeOver?: (takeOver: TakeOver) => void;
}

/** Locks this process holds, by journal path and run: a row naming our pid is otherwise stale. */
const heldHere = new Set<string>();

/**
 * Takes the run's lock, or throws exit 75 (RunLockedError) naming the holder. Taken over: a
 * lock whose holder on this host no longer exists (kill -9, a crash, a reboot), a lock whose
 * lease lapsed (its holder, on any host, stopped renewing it: a killed container that the next
 * one, with a new hostname, replaces), and with `breakLock` any lock.
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
 * new. A request already in flight then is the new holder's to recover as in doubt, in the very
 * transaction that removes the old holding (sweepRun), so no row of it is ever claimable while
 * an attempt of it is still marked in flight.
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
  const shared = options.shared === true;
  const sql = journal.sql;
  const key = `${journal.path}\u0000${runId}`;
  const token = randomUUID();
  const judge = { ...me, key, isAlive };
  let recovered = 0;
  const claim = async (tx: SqlQueries) => {
    const at = now();
    const { live, gone } = judgeHolders(await lockHolders(tx, runId), { ...judge, at });
    // Shared, a process holding the run alone stops us; alone, any live holder does.
    const blocking = live.filter((holder) => !shared || !holder.shared);
    if (blocking.length > 0 && !options.breakLock) {
      throw new RunLockedError(runId, blocking[0]!, me.host, live.length - 1);
    }
    for (const holder of blocking) gone.push({ holder, why: "broken" });
    for (const { holder, why } of gone) options.onTakeOver?.({ runId, holder, why });
    recovered = await sweepRun(
      tx,
      runId,
      gone.map((g) => g.holder.token),
      options,
      at,
    );
    await tx.run(
      `INSERT INTO run_locks (run_id, pid, host, acquired_at, renewed_at, lease_ms, token, shared)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [runId, me.pid, me.host, at, at, leaseMs, token, shared ? 1 : 0],
    );
  };
  await (q ? claim(q) : sql.transaction(claim));
  const holding = { token, shared };
  journal.heldLocks.set(runId, holding);

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
  const stillMine = async () =>
    (await sql.get("SELECT 1 FROM run_locks WHERE token = ?", [token])) !== undefined;
  const check = async (): Promise<boolean> => {
    if (controller.signal.aborted) return false;
    if (closed) return held;
    try {
      if (await stillMine()) return true;
    } catch {
      // The journal closed under us (the process is ending) or busy: judge by what we know.
      return held;
    }
    await lose();
    return false;
  };
  /** Removes the run's other holders that are gone, recovering what they had in flight. */
  const sweep = async (): Promise<number> => {
    if (!held) return 0;
    return sql.transaction(async (tx) => {
      const { gone } = judgeHolders(await lockHolders(tx, runId), { ...judge, at: now() });
      const others = gone.filter((g) => g.holder.token !== token);
      if (others.length === 0) return 0;
      for (const { holder, why } of others) options.onTakeOver?.({ runId, holder, why });
      return sweepRun(
        tx,
        runId,
        others.map((g) => g.holder.token),
        options,
        now(),
      );
    });
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
      const renewed = await sql.run("UPDATE run_locks SET renewed_at = ? WHERE token = ?", [
        now(),
        token,
      ]);
      if (renewed.changes === 0 && held) await lose();
      // A worker that died mid-run is found by the others' heartbeats, not only at their end.
      else if (holding.shared) await sweep();
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
    token,
    get shared() {
      return holding.shared;
    },
    recovered,
    lost: controller.signal,
    check,
    sweep,
    async share() {
      if (holding.shared || !held) return;
      await sql.run("UPDATE run_locks SET shared = 1 WHERE token = ?", [token]);
      holding.shared = true;
    },
    async release() {
      if (!held) return;
      held = false;
      closed = true;
      clearInterval(timer);
      heldHere.delete(key);
      if (journal.heldLocks.get(runId) === holding) journal.heldLocks.delete(runId);
      try {
        // Anything still marked in flight (a command that failed mid-send) is in doubt now.
        await sql.transaction((tx) => sweepRun(tx, runId, [token], options, now()));
      } catch {
        // A closed journal means the process is ending anyway: the next start reclaims the row.
      }
    },
  };
}

/**
 * Removes the holdings `tokens` of a run and, in the same transaction, settles what the run has
 * in flight under no live holding: in doubt (a read-only request: pending again). Their claimed
 * rows need nothing: an owner without a lock row owns nothing (claimRows.ts).
 */
async function sweepRun(
  tx: SqlQueries,
  runId: number,
  tokens: readonly string[],
  options: LockOptions,
  at: number,
): Promise<number> {
  for (const token of tokens) {
    await tx.run("DELETE FROM run_locks WHERE run_id = ? AND token = ?", [runId, token]);
  }
  return recoverOrphans(tx, runId, options.readOnlyApis ?? [], at);
}

interface Judge {
  pid: number;
  host: string;
  key: string;
  at: number;
  isAlive: (pid: number) => boolean;
}

/** The run's holders split into the live and the gone (with why each is gone). */
function judgeHolders(
  holders: readonly LockHolder[],
  me: Judge,
): { live: LockHolder[]; gone: { holder: LockHolder; why: TakeOver["why"] }[] } {
  const live: LockHolder[] = [];
  const gone: { holder: LockHolder; why: TakeOver["why"] }[] = [];
  for (const holder of holders) {
    const why = goneReason(holder, me);
    if (why) gone.push({ holder, why });
    else live.push(holder);
  }
  return { live, gone };
}

/** Why `holder` no longer holds the run (its process is gone), or undefined while it does. */
function goneReason(holder: LockHolder, me: Judge): TakeOver["why"] | undefined {
  const sameHost = holder.host === me.host;
  // A holder with our own pid on our host that this process does not hold is a previous life
  // of this pid (a container's pid 1 after kill -9): that process is gone, we are running now.
  if (sameHost && holder.pid === me.pid && !heldHere.has(me.key)) return "dead";
  if (sameHost && holder.pid !== me.pid && !me.isAlive(holder.pid)) return "dead";
  const lapses = lapsesAt(holder);
  if (lapses !== null && me.at >= lapses) return "lapsed";
  return undefined;
}

/** The processes holding a run's lock (dead or alive), the longest-held first. */
export async function lockHolders(q: SqlQueries, runId: number): Promise<LockHolder[]> {
  const rows = await q.all<{
    pid: number;
    host: string;
    acquired_at: number;
    renewed_at: number | null;
    lease_ms: number | null;
    token: string;
    shared: number;
  }>(
    `SELECT pid, host, acquired_at, renewed_at, lease_ms, token, shared FROM run_locks
      WHERE run_id = ? ORDER BY acquired_at, token`,
    [runId],
  );
  return rows.map((row) => ({
    pid: row.pid,
    host: row.host,
    acquiredAt: row.acquired_at,
    renewedAt: row.renewed_at,
    leaseMs: row.lease_ms,
    token: row.token,
    shared: row.shared === 1,
  }));
}

/** The process holding a run's lock (the longest-held of its holders), if any. */
export async function lockHolder(q: SqlQueries, runId: number): Promise<LockHolder | undefined> {
  return (await lockHolders(q, runId))[0];
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
