import type { Journal, NewRun, RunRecord } from "./journal.js";
import { acquireRunLock, type LockOptions, type RunLock } from "./runLock.js";
import type { SqlQueries } from "./sql/sqlClient.js";

export interface ClaimedRun {
  run: RunRecord;
  lock: RunLock;
  /** The run did not exist: it was created here, in phase `preparing`. */
  created: boolean;
}

/**
 * Finds the run a command continues and takes its lock, or creates the run already locked, all
 * in one write-locked transaction. Two processes started on the same new list (an overlapping
 * cron job, say) cannot both create a run for it: the second one finds the first one's run and
 * exits 75 while it is held, instead of pre-flighting and sending the list a second time.
 * `find` (which must read through the transaction it is given) returning undefined means
 * "create one".
 */
export async function claimRun(
  journal: Journal,
  find: (tx: SqlQueries) => Promise<RunRecord | undefined>,
  create: NewRun,
  lockOptions?: LockOptions,
): Promise<ClaimedRun> {
  return journal.sql.transaction(async (tx) => {
    const existing = await find(tx);
    if (existing) {
      // A run still preparing is started again from the top by whoever takes it: alone.
      const shared = lockOptions?.shared === true && existing.phase !== "preparing";
      const lock = await acquireRunLock(journal, existing.id, { ...lockOptions, shared }, tx);
      return { run: existing, created: false, lock };
    }
    const run = await journal.createRun(create, tx);
    // A lock row for an id that did not exist belongs to a deleted run whose id was reused.
    await tx.run("DELETE FROM run_locks WHERE run_id = ?", [run.id]);
    // Held alone through the pre-flight; `share()` lets the run's other senders join after it.
    const lock = await acquireRunLock(journal, run.id, { ...lockOptions, shared: false }, tx);
    return { run, created: true, lock };
  });
}
