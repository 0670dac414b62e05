import { CliError, ExitCode } from "../errors.js";
import type { SqlQueries } from "./sql/sqlClient.js";

/** A run lock this process holds, as the journal knows it. */
export interface HeldLock {
  token: string;
  shared: boolean;
}

/** The error a fenced attempt fails with. */
export const FENCED = "the run lock was taken over: no new request may start";

/**
 * The fence: a new attempt of a run this journal locked is refused unless the lock still carries
 * this journal's token. It runs in the transaction that marks the attempt in flight, before its
 * request leaves, so once a takeover has committed this process sends nothing new, even before
 * its next heartbeat notices. Runs it never locked are not fenced.
 */
export async function assertRunLockHeld(
  tx: SqlQueries,
  journal: { heldLocks: ReadonlyMap<number, HeldLock> },
  runId: number,
): Promise<void> {
  const token = journal.heldLocks.get(runId)?.token;
  if (token === undefined) return;
  // Read-locked: a takeover's UPDATE of the lock waits for this attempt's commit, or commits
  // first and this read sees its token; either way no attempt is written past a takeover.
  const held = await tx.get(
    `SELECT 1 FROM run_locks WHERE token = ? AND run_id = ?${tx.dialect.forShare}`,
    [token, runId],
  );
  if (!held) throw new CliError(FENCED, ExitCode.tempFail);
}
