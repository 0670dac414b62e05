import { type RawSendableRow, sendableColumns } from "./journal.js";
import type { SqlQueries } from "./sql/sqlClient.js";

/**
 * Claims `batch` pending rows a time, in file order, as this worker's: no other holder of the
 * run may start them (beginAttempt checks the owner). Passing over rows another worker's claim
 * has locked (SKIP LOCKED), workers never wait for each other. A row whose owner holds no lock
 * any more (finished, or gone and swept) is anyone's.
 */
export function claimBatch(
  q: SqlQueries,
  runId: number,
  token: string,
  batch: number,
): Promise<RawSendableRow[]> {
  // The choice in a materialized CTE, made once: as an IN (subquery), PostgreSQL may run the
  // subquery again for each row it updates, and with SKIP LOCKED each run picks other rows
  // (one claim took a whole run's 240 rows at a LIMIT of 5).
  return q.all<RawSendableRow>(
    `WITH claim AS MATERIALIZED (
       SELECT idx FROM rows WHERE run_id = ? AND state = 'pending'
          AND (owner IS NULL OR owner NOT IN (SELECT token FROM run_locks WHERE run_id = ?))
        ORDER BY idx LIMIT ?${q.dialect.skipLocked})
     UPDATE rows SET owner = ? WHERE run_id = ? AND idx IN (SELECT idx FROM claim)
     RETURNING ${sendableColumns(q.dialect)}`,
    [runId, runId, batch, token, runId],
  );
}

/**
 * Gives up this worker's claims on the pending rows it holds: the rows it held back (quiet
 * hours) become anyone's again, its own next claims included. Only with nothing in flight: a
 * row being sent would be claimable by another worker.
 */
export async function releaseClaims(q: SqlQueries, runId: number, token: string): Promise<void> {
  await q.run("UPDATE rows SET owner = NULL WHERE run_id = ? AND owner = ? AND state = 'pending'", [
    runId,
    token,
  ]);
}

/** Whether other live workers of the run hold pending rows (claimed, retrying, or in flight). */
export async function othersHoldRows(
  q: SqlQueries,
  runId: number,
  token: string,
): Promise<boolean> {
  const row = await q.get(
    `SELECT 1 FROM rows r JOIN run_locks l ON l.token = r.owner AND l.run_id = r.run_id
      WHERE r.run_id = ? AND r.state = 'pending' AND l.token <> ? LIMIT 1`,
    [runId, token],
  );
  return row !== undefined;
}

/** Rows claimed at a time for `rate`: a tenth of a second's worth, from 5 to 100. */
export function claimBatchSize(rate: number): number {
  return Math.min(100, Math.max(5, Math.ceil(rate / 10)));
}
