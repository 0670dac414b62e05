import { hostname } from "node:os";
import { CliError, ExitCode } from "../errors.js";
import type { Journal } from "./journal.js";

/** Held while a process works on a run; release it in a `finally`. Releasing twice is harmless. */
export interface RunLock {
  readonly runId: number;
  release(): void;
}

/** Who holds a run's lock, as the `run_locks` table records it. */
export interface LockHolder {
  pid: number;
  host: string;
  /** Wall-clock ms. */
  acquiredAt: number;
}

export interface LockOptions {
  /** @default process.pid */
  pid?: number;
  /** @default os.hostname() */
  host?: string;
  /** @default Date.now */
  now?: () => number;
  /** Whether a pid on this host is alive. @default signal 0 (EPERM counts as alive) */
  isAlive?: (pid: number) => boolean;
}

/**
 * Takes the run's lock, or throws exit 75 naming the holder. A lock left behind by a process
 * of this host that no longer exists (kill -9, a crash, a reboot) is taken over silently.
 *
 * Why a row in the journal rather than proper-lockfile: the lock must live with the run (one
 * journal file holds many runs, and a copied or moved journal takes its runs with it);
 * proper-lockfile judges staleness by mtime, so after a kill -9 the resume would have to wait
 * out the stale window (or guess it short and risk two holders), and its lock cannot say who
 * holds it. Here the check and the claim are one BEGIN IMMEDIATE transaction, so two processes
 * can never both win, and a dead holder is known at once by its pid.
 *
 * A lock recorded by another host is refused: its pid cannot be checked from here. A pid reused
 * by an unrelated process after the holder died also keeps the lock; the message names the pid
 * so the operator can tell.
 */
/** Locks this process holds, by journal path and run: a row naming our pid is otherwise stale. */
const heldHere = new Set<string>();

export function acquireRunLock(
  journal: Journal,
  runId: number,
  options: LockOptions = {},
): RunLock {
  const me = {
    pid: options.pid ?? process.pid,
    host: options.host ?? hostname(),
  };
  const now = options.now ?? Date.now;
  const isAlive = options.isAlive ?? pidIsAlive;
  const db = journal.db;
  const key = `${journal.path}\u0000${runId}`;
  // better-sqlite3 runs a transaction inside another as a savepoint, so a caller that already
  // holds a write transaction (claimRun) gets the check and the claim inside its own.
  db.transaction(() => {
    const holder = lockHolder(journal, runId);
    // A holder with our own pid on our host that this process does not hold is a previous life
    // of this pid (a container's pid 1 after kill -9): that process is gone, we are running now.
    const previousLife = holder?.host === me.host && holder.pid === me.pid && !heldHere.has(key);
    if (holder && !previousLife && (holder.host !== me.host || isAlive(holder.pid))) {
      throw lockedError(runId, holder, me.host);
    }
    db.prepare(
      `INSERT INTO run_locks (run_id, pid, host, acquired_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET pid = excluded.pid, host = excluded.host,
         acquired_at = excluded.acquired_at`,
    ).run(runId, me.pid, me.host, now());
  }).immediate();

  let held = true;
  heldHere.add(key);
  return {
    runId,
    release() {
      if (!held) return;
      held = false;
      heldHere.delete(key);
      // A closed journal means the process is ending anyway: the next start reclaims the row.
      if (!db.open) return;
      db.prepare("DELETE FROM run_locks WHERE run_id = ? AND pid = ? AND host = ?").run(
        runId,
        me.pid,
        me.host,
      );
    },
  };
}

/** The process holding a run's lock, if any (dead or alive). */
export function lockHolder(journal: Journal, runId: number): LockHolder | undefined {
  const row = journal.db
    .prepare("SELECT pid, host, acquired_at FROM run_locks WHERE run_id = ?")
    .get(runId) as { pid: number; host: string; acquired_at: number } | undefined;
  return row && { pid: row.pid, host: row.host, acquiredAt: row.acquired_at };
}

function lockedError(runId: number, holder: LockHolder, myHost: string): CliError {
  const since = new Date(holder.acquiredAt).toISOString();
  const who = `process ${holder.pid} on host ${holder.host}`;
  const hint =
    holder.host === myHost
      ? `Wait for it to finish, or stop it (kill ${holder.pid}) and run this command again; a lock left by a process that died is taken over by itself.`
      : `twilio-bulk cannot tell from here whether that process still runs. If it does not (the journal was copied, or this machine was renamed), remove its lock: sqlite3 <journal> "DELETE FROM run_locks WHERE run_id = ${runId}"`;
  return new CliError(
    `run ${runId} is being worked on by ${who} (since ${since})`,
    ExitCode.tempFail,
    hint,
  );
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
