import type { Journal } from "./journal.js";

/** A process working on a run now (or that was, and died without releasing it). */
export interface RunWorker {
  host: string;
  pid: number;
  /** Ms since the epoch: when it took the run, and its last heartbeat. */
  since: number;
  heartbeatAt: number | null;
  /** Held with the run's other senders, or alone (pre-flight, retry, reconcile). */
  shared: boolean;
  /** Rows it has brought to an end (sent, failed, in doubt) since it took the run. */
  rowsDone: number;
}

/**
 * The processes working on a run, as `runs` lists them: its lock's holders (runLock.ts), dead
 * or alive as the locks say. Each row keeps the holder that started it as its owner.
 */
export async function runWorkers(journal: Journal, runId: number): Promise<RunWorker[]> {
  const rows = await journal.sql.all<{
    host: string;
    pid: number;
    acquired_at: number;
    renewed_at: number | null;
    shared: number;
    done: number;
  }>(
    `SELECT l.host, l.pid, l.acquired_at, l.renewed_at, l.shared,
            (SELECT count(*) FROM rows r
              WHERE r.run_id = l.run_id AND r.owner = l.token AND r.state <> 'pending') AS done
       FROM run_locks l WHERE l.run_id = ? ORDER BY l.acquired_at, l.token`,
    [runId],
  );
  return rows.map((r) => ({
    host: r.host,
    pid: r.pid,
    since: r.acquired_at,
    heartbeatAt: r.renewed_at,
    shared: r.shared === 1,
    rowsDone: r.done,
  }));
}
