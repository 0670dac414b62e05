import { isFinalDelivery } from "./decideDelivery.js";

/**
 * How far along its way a message is. Twilio sends one callback per status change, but not in
 * order (each is its own HTTP request, retried on its own), so `sent` can arrive after
 * `delivered`. `read` follows `delivered` (WhatsApp read receipts).
 */
const STAGE: Readonly<Record<string, number>> = {
  scheduled: 0,
  accepted: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
  partially_delivered: 4,
  read: 5,
};

/**
 * Whether a status heard now (a callback, a fetch) may replace the one the journal holds. A
 * final status is never replaced by an older one, nor by another final one (the first answer
 * wins), except `read` after `delivered`. The same status again is recorded (it refreshes when
 * it was checked). A status we do not know moves nothing forward.
 */
export function shouldRecordDelivery(current: string | null, incoming: string): boolean {
  if (current === null || incoming === current) return true;
  if (isFinalDelivery(current)) return current === "delivered" && incoming === "read";
  if (isFinalDelivery(incoming)) return true;
  const now = STAGE[incoming];
  if (now === undefined) return false;
  return now > (STAGE[current] ?? -1);
}
