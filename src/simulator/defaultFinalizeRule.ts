import type { SimMessage } from "./messageStore.js";

export type FinalizeRule = (message: SimMessage) => { status: string; errorCode?: number | null };

/**
 * Where `finalize()` sends a message when the test does not say, chosen by the last four digits
 * of To so that a fixture can plan each row's delivery outcome:
 *
 * | To ends in | status      | error_code | Twilio's meaning               |
 * |------------|-------------|------------|--------------------------------|
 * | 0003       | undelivered | 30003      | unreachable handset            |
 * | 0006       | undelivered | 30006      | landline or unreachable carrier |
 * | 0007       | failed      | 30007      | filtered by the carrier        |
 * | anything   | delivered   | null       |                                |
 *
 * (+15005550003 itself never gets here: it is refused at create with 21408.)
 */
export const defaultFinalizeRule: FinalizeRule = (message) => {
  if (message.to.endsWith("0003")) return { status: "undelivered", errorCode: 30003 };
  if (message.to.endsWith("0006")) return { status: "undelivered", errorCode: 30006 };
  if (message.to.endsWith("0007")) return { status: "failed", errorCode: 30007 };
  return { status: "delivered", errorCode: null };
};
