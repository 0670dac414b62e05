import type { Journal } from "./journal.js";

/** A process working on a run now (or that was, and died without releasing it). */
export interface RunWorker {
  host: string;
  pid: number;
  /** Ms since the epoch: when it took the run, and its last heartbeat. */
  since: number;
  heartbeatAt: number | null;
  /** Requests it has finished on the run since it took it. */
  rowsDone: number;
}

/**
 * The processes working on a run, as `runs` lists them. A run is worked on by one process at a
 * time (its lock, runLock.ts), so this is its lock's holder; dead or alive, as the lock says.
 */
export async function runWorkers(journal: Journal, runId: number): Promise<RunWorker[]> {
  const rows = await journal.sql.all<{
    host: string;
    pid: number;
    acquired_at: number;
    renewed_at: number | null;
    done: number;
  }>(
    `SELECT l.host, l.pid, l.acquired_at, l.renewed_at,
            (SELECT count(*) FROM attempts a
              WHERE a.run_id = l.run_id AND a.started_at >= l.acquired_at
                AND a.outcome <> 'in_flight') AS done
       FROM run_locks l WHERE l.run_id = ?`,
    [runId],
  );
  return rows.map((r) => ({
    host: r.host,
    pid: r.pid,
    since: r.acquired_at,
    heartbeatAt: r.renewed_at,
    rowsDone: r.done,
  }));
}
