import { FINAL_DELIVERY_STATUSES } from "../core/decideDelivery.js";
import { shouldRecordDelivery } from "../core/shouldRecordDelivery.js";
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
  const page = `SELECT idx, to_number, sid FROM rows
      WHERE run_id = ? AND state = 'sent' AND sid IS NOT NULL
        AND (CAST(? AS TEXT) IS NULL OR ${journal.dialect.inJsonArray("api")})
        AND (delivery_status IS NULL OR delivery_status NOT IN (${FINAL_LIST}))
        AND idx > ?
      ORDER BY idx LIMIT ?`;
  type Raw = { idx: number; to_number: string; sid: string };
  const only = apis ? JSON.stringify(apis) : null;
  for await (const r of pageByIdx<Raw>(journal.sql, page, [runId, only, only], pageSize)) {
    yield { runId, idx: r.idx, to: r.to_number, sid: r.sid };
  }
}

export interface DeliveryRecord {
  status: string;
  errorCode: number | null;
  suppress: { code: number; reason: string } | null;
}

/** What recording a delivery status did. */
export interface DeliveryWrite {
  /** False when the journal already held a later status (see shouldRecordDelivery). */
  recorded: boolean;
  /** The number was newly put on the suppression list. */
  suppressed: boolean;
}

/**
 * Records what Twilio says became of a row's message, and suppresses its number when the
 * error calls for it, in one transaction. Returns whether the number was newly suppressed.
 */
export async function recordDelivery(
  journal: Journal,
  row: AwaitingDelivery,
  delivery: DeliveryRecord,
): Promise<boolean> {
  return (await applyDelivery(journal, row, delivery)).suppressed;
}

/**
 * recordDelivery, saying also whether the status was written. The status already recorded is
 * read inside the write transaction: `status` and `listen` may record the same message at
 * once, and a status heard late must not overwrite a later one. The suppression applies either
 * way: an error code is a fact about the number, whatever order it was heard in.
 */
export function applyDelivery(
  journal: Journal,
  row: AwaitingDelivery,
  delivery: DeliveryRecord,
): Promise<DeliveryWrite> {
  return journal.sql.transaction(async (tx): Promise<DeliveryWrite> => {
    const held = await tx.get<{ delivery_status: string | null }>(
      "SELECT delivery_status FROM rows WHERE run_id = ? AND idx = ? AND sid = ?",
      [row.runId, row.idx, row.sid],
    );
    if (held === undefined) return { recorded: false, suppressed: false };
    const recorded = shouldRecordDelivery(held.delivery_status, delivery.status);
    if (recorded) {
      await tx.run(
        `UPDATE rows SET delivery_status = ?, delivery_error_code = ?, delivery_checked_at = ?
          WHERE run_id = ? AND idx = ? AND sid = ?`,
        [delivery.status, delivery.errorCode, Date.now(), row.runId, row.idx, row.sid],
      );
    }
    const suppressed = delivery.suppress
      ? await addSuppression(
          journal,
          { number: row.to, ...delivery.suppress, runId: row.runId },
          tx,
        )
      : false;
    return { recorded, suppressed };
  });
}

/** The sent row whose message has this sid, in any run, or undefined (see `listen`). */
export async function rowBySid(
  journal: Journal,
  sid: string,
): Promise<AwaitingDelivery | undefined> {
  const r = await journal.sql.get<{ run_id: number; idx: number; to_number: string }>(
    "SELECT run_id, idx, to_number FROM rows WHERE sid = ? ORDER BY run_id DESC LIMIT 1",
    [sid],
  );
  return r && { runId: r.run_id, idx: r.idx, to: r.to_number, sid };
}
