import { FINAL_DELIVERY_STATUSES } from "../core/decideDelivery.js";
import { cachedStatement } from "./cachedStatement.js";
import type { Journal } from "./journal.js";
import { pageByIdx } from "./pageByIdx.js";
import { addSuppression } from "./suppressionList.js";

/** A sent row whose message has not reached a final status yet, as far as the journal knows. */
export interface AwaitingDelivery {
  runId: number;
  idx: number;
  to: string;
  sid: string;
}

const FINAL_LIST = FINAL_DELIVERY_STATUSES.map((s) => `'${s}'`).join(", ");

/**
 * Sent rows not known to be delivered, undelivered or failed, in file order, a page at a time
 * (the checker writes between pages). Rows already final are never asked about again, so
 * running `status` from cron costs one request per message still on its way.
 */
export async function* rowsAwaitingDelivery(
  journal: Journal,
  runId: number,
  pageSize = 500,
  /** The APIs with delivery reports (src/operations: Messages); every row's when absent. */
  apis?: readonly string[],
): AsyncGenerator<AwaitingDelivery> {
  const page = cachedStatement(
    journal.db,
    `SELECT idx, to_number, sid FROM rows
      WHERE run_id = ? AND state = 'sent' AND sid IS NOT NULL
        AND (? IS NULL OR api IN (SELECT value FROM json_each(?)))
        AND (delivery_status IS NULL OR delivery_status NOT IN (${FINAL_LIST}))
        AND idx > ?
      ORDER BY idx LIMIT ?`,
  );
  type Raw = { idx: number; to_number: string; sid: string };
  const only = apis ? JSON.stringify(apis) : null;
  for (const r of pageByIdx<Raw>(page, [runId, only, only], pageSize)) {
    yield { runId, idx: r.idx, to: r.to_number, sid: r.sid };
  }
}

export interface DeliveryRecord {
  status: string;
  errorCode: number | null;
  suppress: { code: number; reason: string } | null;
}

/**
 * Records what Twilio says became of a row's message, and suppresses its number when the
 * error calls for it, in one transaction. Returns whether the number was newly suppressed.
 */
export function recordDelivery(
  journal: Journal,
  row: AwaitingDelivery,
  delivery: DeliveryRecord,
): boolean {
  const update = cachedStatement(
    journal.db,
    `UPDATE rows SET delivery_status = ?, delivery_error_code = ?, delivery_checked_at = ?
      WHERE run_id = ? AND idx = ? AND sid = ?`,
  );
  return journal.db
    .transaction(() => {
      update.run(delivery.status, delivery.errorCode, Date.now(), row.runId, row.idx, row.sid);
      if (!delivery.suppress) return false;
      return addSuppression(journal, { number: row.to, ...delivery.suppress, runId: row.runId });
    })
    .immediate();
}
