import { emptyCounts, type RowState, type StateCounts } from "../core/rowState.js";
import {
  type RawSendableRow,
  type SendableRow,
  sendableColumns,
  toSendableRow,
} from "./journal.js";
import { pageByIdx } from "./pageByIdx.js";
import type { SqlClient, SqlQueries } from "./sql/sqlClient.js";

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
export async function* retryCandidates(
  q: SqlQueries,
  runId: number,
  pageSize = 1000,
): AsyncGenerator<RetryRow> {
  const sql = `SELECT idx, line, to_number, state, attempts, http_status, error_code, error_message,
            delivery_status, delivery_error_code
       FROM rows
      WHERE run_id = ? AND idx > ? AND request_json IS NOT NULL
        AND (state IN ('failed', 'pending', 'in_doubt')
             OR (state = 'sent' AND delivery_status IN ('undelivered', 'failed')))
      ORDER BY idx LIMIT ?`;
  for await (const r of pageByIdx<RawRetryRow>(q, sql, [runId], pageSize)) {
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
 * selected row pending, where the next `retry --state pending` or `send` finds it. `actions`
 * reads through the transaction it is given, lazily (a page at a time), so memory stays flat
 * whatever the size of the run. `session`: one connection, which holds the selection (a
 * temporary table) for as long as the retry sends. Only call this while holding the run's lock.
 * Returns the rows that actually moved (a row changed meanwhile is left out).
 */
export async function requeueRows(
  session: SqlClient,
  runId: number,
  actions: (tx: SqlQueries) => AsyncIterable<RequeueAction>,
): Promise<{ selection: RetrySelection; moved: number }> {
  const now = Date.now();
  return session.transaction(async (tx) => {
    const selection = await RetrySelection.start(session, tx, runId);
    let moved = 0;
    for await (const action of actions(tx)) {
      if (action.kind === "skip") await selection.skip(tx, action.idx, action.reason, now);
      else if (await selection.requeue(tx, action.idx, action.state, now)) moved++;
    }
    if (moved > 0) await selection.reopenRun(tx, now);
    return { selection, moved };
  });
}

/**
 * The rows one retry moved back to pending, held in a temporary table of the retry's one
 * connection rather than in memory, so a retry of 150,000 rows costs no more memory than one of
 * 10. Sending and counting read it by keyset pages joined to the rows on their primary key.
 */
export class RetrySelection {
  private constructor(
    private readonly session: SqlClient,
    private readonly runId: number,
  ) {}

  /** Starts an empty selection (one per connection at a time). */
  static async start(session: SqlClient, tx: SqlQueries, runId: number): Promise<RetrySelection> {
    await tx.run("CREATE TEMP TABLE IF NOT EXISTS retry_selection (row_idx INTEGER PRIMARY KEY)");
    await tx.run("DELETE FROM retry_selection");
    return new RetrySelection(session, runId);
  }

  /**
   * Puts a selected row back to pending and adds it to the selection. The last error is kept:
   * it says why the row is being retried. A row Twilio accepted but did not deliver loses its
   * old SID and delivery status (the attempts keep the SID): the next attempt creates a new
   * message. False when the row changed meanwhile (it is left out). Only under the run's lock.
   */
  async requeue(tx: SqlQueries, idx: number, state: RowState, now: number): Promise<boolean> {
    const ok =
      state === "failed" || state === "in_doubt"
        ? (
            await tx.run(
              `UPDATE rows SET state = 'pending', updated_at = ?
                WHERE run_id = ? AND idx = ? AND state = ?`,
              [now, this.runId, idx, state],
            )
          ).changes > 0
        : state === "sent"
          ? (
              await tx.run(
                `UPDATE rows SET state = 'pending', sid = NULL, twilio_status = NULL,
                        delivery_status = NULL, delivery_error_code = NULL,
                        delivery_checked_at = NULL, updated_at = ?
                  WHERE run_id = ? AND idx = ? AND state = 'sent'
                    AND delivery_status IN ('undelivered', 'failed')`,
                [now, this.runId, idx],
              )
            ).changes > 0
          : (await tx.get("SELECT 1 FROM rows WHERE run_id = ? AND idx = ? AND state = 'pending'", [
              this.runId,
              idx,
            ])) !== undefined;
    if (ok) {
      await tx.run("INSERT INTO retry_selection (row_idx) VALUES (?) ON CONFLICT DO NOTHING", [
        idx,
      ]);
    }
    return ok;
  }

  /** A pending row whose number is now suppressed: skipped, never sent. */
  async skip(tx: SqlQueries, idx: number, reason: string, now: number): Promise<void> {
    await tx.run(
      `UPDATE rows SET state = 'skipped', reason = ?, updated_at = ?
        WHERE run_id = ? AND idx = ? AND state = 'pending'`,
      [reason, now, this.runId, idx],
    );
  }

  /** The run is open again until the requeued rows are done. */
  async reopenRun(tx: SqlQueries, now: number): Promise<void> {
    await tx.run(
      `UPDATE runs SET phase = 'ready', finished_at = NULL, updated_at = ?
        WHERE id = ? AND phase = 'finished'`,
      [now, this.runId],
    );
  }

  /** The selected rows still pending, in file order, a page at a time. */
  async *pendingRows(pageSize = 500): AsyncGenerator<SendableRow> {
    const sql = `SELECT ${sendableColumns(this.session.dialect, "r")} FROM retry_selection s
         ${this.session.dialect.orderedJoin} rows r ON r.run_id = ? AND r.idx = s.row_idx
        WHERE r.state = 'pending' AND s.row_idx > ? ORDER BY s.row_idx LIMIT ?`;
    for await (const r of pageByIdx<RawSendableRow>(this.session, sql, [this.runId], pageSize)) {
      yield toSendableRow(this.runId, r);
    }
  }

  /** How the selected rows stand now: what the retry came to. */
  async counts(): Promise<StateCounts> {
    const counts = emptyCounts();
    const rows = await this.session.all<{ state: RowState; n: number }>(
      `SELECT r.state, count(*) AS n FROM retry_selection s
         ${this.session.dialect.orderedJoin} rows r ON r.run_id = ? AND r.idx = s.row_idx
        GROUP BY r.state`,
      [this.runId],
    );
    for (const { state, n } of rows) counts[state] += n;
    return counts;
  }
}
