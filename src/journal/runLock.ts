import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { cachedStatement } from "./cachedStatement.js";
import type { Journal } from "./journal.js";
import {
  type LockHolder,
  lapsesAt,
  lockedError,
  lostError,
  type TakeOver,
} from "./lockMessages.js";

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
  check(): boolean;
  release(): void;
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
 * check and the claim are one BEGIN IMMEDIATE transaction, so two processes can never both win,
 * a dead holder on this host is known at once by its pid, and one elsewhere by its lease.
 *
 * The lease compares the holder's clock with ours: hosts sharing a journal must agree on the
 * time to well within the lease (NTP does). A pid reused by an unrelated process after the
 * holder died keeps the lock until its lease lapses; the message names the pid.
 *
 * Fencing: each holding has a token, and a temporary trigger on this connection refuses to
 * record a new attempt of the run unless the lock still carries our token. The check runs in the
 * transaction that marks the attempt in flight, before its request leaves, so once a takeover has
 * committed this process sends nothing new, even before its next heartbeat notices. A request
 * already in flight then is the new holder's to recover as in doubt.
 */
export function acquireRunLock(
  journal: Journal,
  runId: number,
  options: LockOptions = {},
): RunLock {
  const me = { pid: options.pid ?? process.pid, host: options.host ?? hostname() };
  const now = options.now ?? Date.now;
  const isAlive = options.isAlive ?? pidIsAlive;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const db = journal.db;
  const key = `${journal.path}\u0000${runId}`;
  const token = randomUUID();
  installFence(journal);
  // better-sqlite3 runs a transaction inside another as a savepoint, so a caller that already
  // holds a write transaction (claimRun) gets the check and the claim inside its own.
  db.transaction(() => {
    const holder = lockHolder(journal, runId);
    const at = now();
    if (holder) {
      const why = takeOverReason(holder, { ...me, key, at, isAlive, broken: !!options.breakLock });
      if (!why) throw lockedError(runId, holder, me.host);
      options.onTakeOver?.({ runId, holder, why });
    }
    db.prepare(
      `INSERT INTO run_locks (run_id, pid, host, acquired_at, renewed_at, lease_ms, token)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET pid = excluded.pid, host = excluded.host,
         acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at,
         lease_ms = excluded.lease_ms, token = excluded.token`,
    ).run(runId, me.pid, me.host, at, at, leaseMs, token);
    db.prepare("INSERT OR REPLACE INTO temp.held_run_locks (run_id, token) VALUES (?, ?)").run(
      runId,
      token,
    );
  }).immediate();

  let held = true;
  heldHere.add(key);
  const controller = new AbortController();
  const lose = () => {
    if (controller.signal.aborted) return;
    clearInterval(timer);
    controller.abort(lostError(runId, lockHolder(journal, runId)));
  };
  const check = (): boolean => {
    if (controller.signal.aborted) return false;
    if (!db.open) return held;
    if (lockHolder(journal, runId)?.token === token) return true;
    lose();
    return false;
  };
  const renew = () => {
    if (!held || !db.open) {
      clearInterval(timer);
      return;
    }
    try {
      // One autocommit statement: a heartbeat never waits inside a transaction.
      const renewed = cachedStatement(
        db,
        "UPDATE run_locks SET renewed_at = ? WHERE run_id = ? AND token = ?",
      ).run(now(), runId, token);
      if (renewed.changes === 0) lose();
    } catch {
      // The journal busy past its timeout: the lease allows three missed heartbeats.
    }
  };
  const timer = setInterval(renew, Math.max(1, Math.floor(leaseMs / 4)));
  // The heartbeat must never keep a finished command's process alive.
  timer.unref();
  return {
    runId,
    lost: controller.signal,
    check,
    release() {
      if (!held) return;
      held = false;
      clearInterval(timer);
      heldHere.delete(key);
      // A closed journal means the process is ending anyway: the next start reclaims the row.
      if (!db.open) return;
      db.prepare("DELETE FROM temp.held_run_locks WHERE run_id = ? AND token = ?").run(
        runId,
        token,
      );
      db.prepare("DELETE FROM run_locks WHERE run_id = ? AND token = ?").run(runId, token);
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
export function lockHolder(journal: Journal, runId: number): LockHolder | undefined {
  const row = cachedStatement(
    journal.db,
    "SELECT pid, host, acquired_at, renewed_at, lease_ms, token FROM run_locks WHERE run_id = ?",
  ).get(runId) as
    | {
        pid: number;
        host: string;
        acquired_at: number;
        renewed_at: number | null;
        lease_ms: number | null;
        token: string | null;
      }
    | undefined;
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

/**
 * The fence, per connection: a new attempt of a run this connection locked is refused unless
 * the lock still carries this connection's token. Runs it never locked are not fenced.
 */
function installFence(journal: Journal): void {
  journal.db.exec(`
    CREATE TEMP TABLE IF NOT EXISTS held_run_locks (run_id INTEGER PRIMARY KEY, token TEXT NOT NULL);
    CREATE TEMP TRIGGER IF NOT EXISTS fence_attempts BEFORE INSERT ON main.attempts
      WHEN EXISTS (SELECT 1 FROM temp.held_run_locks h WHERE h.run_id = NEW.run_id)
       AND NOT EXISTS (SELECT 1 FROM main.run_locks l JOIN temp.held_run_locks h ON h.token = l.token
                        WHERE l.run_id = NEW.run_id AND h.run_id = NEW.run_id)
    BEGIN SELECT RAISE(ABORT, '${FENCED}'); END;
  `);
}

/** The trigger's message: the error a fenced attempt fails with. */
export const FENCED = "the run lock was taken over: no new request may start";

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
