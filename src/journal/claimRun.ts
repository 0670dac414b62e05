import type { Journal, NewRun, RunRecord } from "./journal.js";
import { acquireRunLock, type LockOptions, type RunLock } from "./runLock.js";

export interface ClaimedRun {
  run: RunRecord;
  lock: RunLock;
  /** The run did not exist: it was created here, in phase `preparing`. */
  created: boolean;
}

/**
 * Finds the run a command continues and takes its lock, or creates the run already locked, all
 * in one BEGIN IMMEDIATE transaction. Two processes started on the same new list (an overlapping
 * cron job, say) cannot both create a run for it: the second one finds the first one's run and
 * exits 75 while it is held, instead of pre-flighting and sending the list a second time.
 * `find` returning undefined means "create one".
 */
export function claimRun(
  journal: Journal,
  find: () => RunRecord | undefined,
  create: NewRun,
  lockOptions?: LockOptions,
): ClaimedRun {
  let lock: RunLock | undefined;
  const claimed = journal.db
    .transaction(() => {
      const existing = find();
      if (existing) {
        lock = acquireRunLock(journal, existing.id, lockOptions);
        return { run: existing, created: false };
      }
      const run = journal.createRun(create);
      // A lock row for an id that did not exist belongs to a deleted run whose id SQLite reused.
      journal.db.prepare("DELETE FROM run_locks WHERE run_id = ?").run(run.id);
      lock = acquireRunLock(journal, run.id, lockOptions);
      return { run, created: true };
    })
    .immediate();
  return { ...claimed, lock: lock! };
}
