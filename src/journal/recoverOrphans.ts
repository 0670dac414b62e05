import type { SqlQueries } from "./sql/sqlClient.js";

/** An in-flight attempt of the run whose row no live holding owns (the run's own alias `a`). */
const ORPHANED = `run_id = ? AND outcome = 'in_flight' AND NOT EXISTS (
  SELECT 1 FROM rows r JOIN run_locks l ON l.token = r.owner AND l.run_id = r.run_id
   WHERE r.run_id = attempts.run_id AND r.idx = attempts.row_idx)`;

const STOPPED = "the process stopped while this request was in flight";

/**
 * Attempts left in flight by a process that is gone: their HTTP call may have reached Twilio,
 * so their rows become in_doubt (reconcile decides them), never pending. An attempt whose row a
 * live holder owns is that holder's, still in flight, and stays. Safe at any time, under any
 * lock: whoever removes a holding calls this in the same transaction (runLock.ts). Returns how
 * many rows moved to in_doubt.
 */
export async function recoverOrphans(
  tx: SqlQueries,
  runId: number,
  /** A read (Lookup) cut off changed nothing at Twilio: its row stays pending, asked again. */
  readOnlyApis: readonly string[],
  now: number,
): Promise<number> {
  await tx.run(
    `UPDATE attempts SET outcome = 'retry', finished_at = ?,
       error_message = '${STOPPED}; it only reads, so it is asked again'
     WHERE ${ORPHANED}
       AND ${tx.dialect.inJsonArray("(SELECT r.api FROM rows r WHERE r.run_id = attempts.run_id AND r.idx = attempts.row_idx)")}`,
    [now, runId, JSON.stringify(readOnlyApis)],
  );
  const stuck = await tx.all<{ row_idx: number }>(
    `UPDATE attempts SET outcome = 'in_doubt', finished_at = ?, error_message = '${STOPPED}'
     WHERE ${ORPHANED} RETURNING row_idx`,
    [now, runId],
  );
  await tx.runMany(
    `UPDATE rows SET state = 'in_doubt', error_message = '${STOPPED}',
       http_status = NULL, error_code = NULL, updated_at = ?
     WHERE run_id = ? AND idx = ? AND state = 'pending'`,
    stuck.map(({ row_idx }) => [now, runId, row_idx]),
  );
  return stuck.length;
}
