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

/** What retry does to one row: send it again, or (a pending row now suppressed) skip it. */
export type RequeueAction =
  | { kind: "retry"; idx: number; state: RowState }
  | { kind: "skip"; idx: number; reason: string };

/**
 * Applies retry's actions in one transaction, so a retry that dies half-way leaves every
 * selected row pending, where the next `retry --state pending` or `send` finds it. `actions` is
 * read lazily inside the transaction (it may read the journal a page at a time), so memory
 * stays flat whatever the size of the run. Only call this while holding the run's lock.
 * Returns the rows that actually moved (a row changed meanwhile is left out).
 */
export function requeueRows(
  journal: Journal,
  runId: number,
  actions: Iterable<RequeueAction>,
): { selection: RetrySelection; moved: number } {
  const now = Date.now();
  return journal.db
    .transaction(() => {
      const selection = new RetrySelection(journal, runId);
      let moved = 0;
      for (const action of actions) {
        if (action.kind === "skip") selection.skip(action.idx, action.reason, now);
        else if (selection.requeue(action.idx, action.state, now)) moved++;
      }
      if (moved > 0) selection.reopenRun(now);
      return { selection, moved };
    })
    .immediate();
}

/**
 * The rows one retry moved back to pending, held in a temporary table of this connection
 * rather than in memory, so a retry of 150,000 rows costs no more memory than one of 10. Sending
 * and counting read it by keyset pages joined to the rows on their primary key.
 */
export class RetrySelection {
  /** Starts an empty selection (one per connection at a time). */
  constructor(
    private readonly journal: Journal,
    private readonly runId: number,
  ) {
    journal.db.exec(
      "CREATE TEMP TABLE IF NOT EXISTS retry_selection (row_idx INTEGER PRIMARY KEY); DELETE FROM temp.retry_selection;",
    );
  }

  private sql(text: string) {
    return cachedStatement(this.journal.db, text);
  }

  /**
   * Puts a selected row back to pending and adds it to the selection. The last error is kept:
   * it says why the row is being retried. A row Twilio accepted but did not deliver loses its
   * old SID and delivery status (the attempts keep the SID): the next attempt creates a new
   * message. False when the row changed meanwhile (it is left out). Only under the run's lock.
   */
  requeue(idx: number, state: RowState, now: number): boolean {
    const ok =
      state === "failed"
        ? this.sql(
            `UPDATE rows SET state = 'pending', updated_at = ?
              WHERE run_id = ? AND idx = ? AND state = 'failed'`,
          ).run(now, this.runId, idx).changes > 0
        : state === "sent"
          ? this.sql(
              `UPDATE rows SET state = 'pending', sid = NULL, twilio_status = NULL,
                      delivery_status = NULL, delivery_error_code = NULL,
                      delivery_checked_at = NULL, updated_at = ?
                WHERE run_id = ? AND idx = ? AND state = 'sent'
                  AND delivery_status IN ('undelivered', 'failed')`,
            ).run(now, this.runId, idx).changes > 0
          : state === "in_doubt"
            ? this.sql(
                `UPDATE rows SET state = 'pending', updated_at = ?
                  WHERE run_id = ? AND idx = ? AND state = 'in_doubt'`,
              ).run(now, this.runId, idx).changes > 0
            : this.sql("SELECT 1 FROM rows WHERE run_id = ? AND idx = ? AND state = 'pending'").get(
                this.runId,
                idx,
              ) !== undefined;
    if (ok) this.sql("INSERT OR IGNORE INTO temp.retry_selection (row_idx) VALUES (?)").run(idx);
    return ok;
  }

  /** A pending row whose number is now suppressed: skipped, never sent. */
  skip(idx: number, reason: string, now: number): void {
    this.sql(
      `UPDATE rows SET state = 'skipped', reason = ?, updated_at = ?
        WHERE run_id = ? AND idx = ? AND state = 'pending'`,
    ).run(reason, now, this.runId, idx);
  }

  /** The run is open again until the requeued rows are done. */
  reopenRun(now: number): void {
    this.sql(
      `UPDATE runs SET phase = 'ready', finished_at = NULL, updated_at = ?
        WHERE id = ? AND phase = 'finished'`,
    ).run(now, this.runId);
  }

  /** The selected rows still pending, in file order, a page at a time. */
  async *pendingRows(pageSize = 500): AsyncGenerator<SendableRow> {
    const page = this.sql(
      `SELECT ${SENDABLE_COLUMNS} FROM temp.retry_selection s
         CROSS JOIN rows r ON r.run_id = ? AND r.idx = s.row_idx
        WHERE r.state = 'pending' AND s.row_idx > ? ORDER BY s.row_idx LIMIT ?`,
    );
    for (const r of pageByIdx<RawSendableRow>(page, [this.runId], pageSize)) {
      yield toSendableRow(this.runId, r);
    }
  }

  /** How the selected rows stand now: what the retry came to. */
  counts(): StateCounts {
    const counts = emptyCounts();
    const rows = this.sql(
      `SELECT r.state, count(*) AS n FROM temp.retry_selection s
         CROSS JOIN rows r ON r.run_id = ? AND r.idx = s.row_idx
        GROUP BY r.state`,
    ).all(this.runId) as { state: RowState; n: number }[];
    for (const { state, n } of rows) counts[state] += n;
    return counts;
  }
}
