import { emptyCounts, type RowState, type StateCounts } from "../core/rowState.js";
import { cachedStatement } from "./cachedStatement.js";
import {
  type Journal,
  type RawSendableRow,
  SENDABLE_COLUMNS,
  type SendableRow,
  toSendableRow,
} from "./journal.js";
import { pageByIdx } from "./pageByIdx.js";

/** A row retry may consider: failed, pending, in doubt, or sent and then not delivered. */
export interface RetryRow {
  idx: number;
  line: number;
  to: string;
  state: RowState;
  attempts: number;
  httpStatus: number | null;
  errorCode: number | null;
  errorMessage: string | null;
  deliveryStatus: string | null;
  deliveryErrorCode: number | null;
}

interface RawRetryRow {
  idx: number;
  line: number;
  to_number: string;
  state: RowState;
  attempts: number;
  http_status: number | null;
  error_code: number | null;
  error_message: string | null;
  delivery_status: string | null;
  delivery_error_code: number | null;
}

/**
 * The run's rows that retry could send again, in file order, a page at a time (the caller may
 * write between pages). Invalid and skipped rows never have a request worth repeating.
 */
export function* retryCandidates(
  journal: Journal,
  runId: number,
  pageSize = 1000,
): Generator<RetryRow> {
  const page = cachedStatement(
    journal.db,
    `SELECT idx, line, to_number, state, attempts, http_status, error_code, error_message,
            delivery_status, delivery_error_code
       FROM rows
      WHERE run_id = ? AND idx > ? AND request_json IS NOT NULL
        AND (state IN ('failed', 'pending', 'in_doubt')
             OR (state = 'sent' AND delivery_status IN ('undelivered', 'failed')))
      ORDER BY idx LIMIT ?`,
  );
  for (const r of pageByIdx<RawRetryRow>(page, [runId], pageSize)) {
    yield {
      idx: r.idx,
      line: r.line,
      to: r.to_number,
      state: r.state,
      attempts: r.attempts,
      httpStatus: r.http_status,
      errorCode: r.error_code,
      errorMessage: r.error_message,
      deliveryStatus: r.delivery_status,
      deliveryErrorCode: r.delivery_error_code,
    };
  }
}

export interface Requeue {
  /** Rows to send again: failed ones, and sent ones that were not delivered. */
  retry: readonly { idx: number; state: RowState }[];
  /** Pending rows whose number is now suppressed. */
  skip: readonly { idx: number; reason: string }[];
}

/**
 * Puts the selected rows back to pending (and suppressed pending rows to skipped) in one
 * transaction, so a retry that dies half-way leaves every selected row pending, where the next
 * `retry --state pending` or `send` finds it. The last error is kept: it says why the row is
 * being retried. A row Twilio accepted but did not deliver loses its old SID and delivery
 * status (the attempts keep the SID): the next attempt creates a new message. The run is open
 * again until these rows are done. Only call this while holding the run's lock.
 * Returns the rows that actually moved (a row changed meanwhile is left out).
 */
export function requeueRows(journal: Journal, runId: number, requeue: Requeue): number[] {
  const now = Date.now();
  const failed = cachedStatement(
    journal.db,
    `UPDATE rows SET state = 'pending', updated_at = ?
      WHERE run_id = ? AND idx = ? AND state = 'failed'`,
  );
  const undelivered = cachedStatement(
    journal.db,
    `UPDATE rows SET state = 'pending', sid = NULL, twilio_status = NULL, delivery_status = NULL,
            delivery_error_code = NULL, delivery_checked_at = NULL, updated_at = ?
      WHERE run_id = ? AND idx = ? AND state = 'sent' AND delivery_status IN ('undelivered', 'failed')`,
  );
  const pending = cachedStatement(
    journal.db,
    "SELECT 1 FROM rows WHERE run_id = ? AND idx = ? AND state = 'pending'",
  );
  const inDoubt = cachedStatement(
    journal.db,
    `UPDATE rows SET state = 'pending', updated_at = ?
      WHERE run_id = ? AND idx = ? AND state = 'in_doubt'`,
  );
  const skip = cachedStatement(
    journal.db,
    `UPDATE rows SET state = 'skipped', reason = ?, updated_at = ?
      WHERE run_id = ? AND idx = ? AND state = 'pending'`,
  );
  const reopen = cachedStatement(
    journal.db,
    `UPDATE runs SET phase = 'ready', finished_at = NULL, updated_at = ?
      WHERE id = ? AND phase = 'finished'`,
  );
  return journal.db
    .transaction(() => {
      for (const row of requeue.skip) skip.run(row.reason, now, runId, row.idx);
      const moved: number[] = [];
      for (const { idx, state } of requeue.retry) {
        const ok =
          state === "failed"
            ? failed.run(now, runId, idx).changes > 0
            : state === "sent"
              ? undelivered.run(now, runId, idx).changes > 0
              : state === "in_doubt"
                ? inDoubt.run(now, runId, idx).changes > 0
                : pending.get(runId, idx) !== undefined;
        if (ok) moved.push(idx);
      }
      if (moved.length > 0) reopen.run(now, runId);
      return moved;
    })
    .immediate();
}

/** The given rows of a run, still pending, in the given order, read a page at a time. */
export async function* pendingRowsByIdx(
  journal: Journal,
  runId: number,
  idxs: readonly number[],
  pageSize = 500,
): AsyncGenerator<SendableRow> {
  for (let start = 0; start < idxs.length; start += pageSize) {
    const slice = idxs.slice(start, start + pageSize);
    // At most two statement shapes: full pages and the last one.
    const rows = cachedStatement(
      journal.db,
      `SELECT ${SENDABLE_COLUMNS} FROM rows
        WHERE run_id = ? AND state = 'pending' AND idx IN (${slice.map(() => "?").join(",")})
        ORDER BY idx`,
    ).all(runId, ...slice) as RawSendableRow[];
    for (const r of rows) yield toSendableRow(runId, r);
  }
}

/** How the given rows of a run stand now: what a retry came to. */
export function countStatesOf(
  journal: Journal,
  runId: number,
  idxs: readonly number[],
): StateCounts {
  const counts = emptyCounts();
  const pageSize = 500;
  for (let start = 0; start < idxs.length; start += pageSize) {
    const slice = idxs.slice(start, start + pageSize);
    // Row by row on the primary key: with `idx IN (…)` SQLite prefers the covering rows_state
    // index and reads every row of the run for each page.
    const rows = cachedStatement(
      journal.db,
      `SELECT r.state, count(*) AS n FROM (VALUES ${slice.map(() => "(?)").join(",")}) v
         CROSS JOIN rows r ON r.run_id = ? AND r.idx = v.column1
        GROUP BY r.state`,
    ).all(...slice, runId) as { state: RowState; n: number }[];
    for (const { state, n } of rows) counts[state] += n;
  }
  return counts;
}
