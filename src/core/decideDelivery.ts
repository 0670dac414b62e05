import { errorInfo } from "./errorCatalog.js";

/**
 * Statuses after which a message's fate no longer changes, so `status` stops asking about it.
 * Everything else (queued, accepted, scheduled, sending, sent) is asked about again next time.
 */
export const FINAL_DELIVERY_STATUSES: readonly string[] = [
  "delivered",
  "undelivered",
  "failed",
  "canceled",
  "read",
  "partially_delivered",
];

export function isFinalDelivery(status: string | null): boolean {
  return status !== null && FINAL_DELIVERY_STATUSES.includes(status);
}

export interface DeliveryUpdate {
  status: string;
  errorCode: number | null;
  final: boolean;
  /** Set when the error means the number must never be texted again (30006 landline, …). */
  suppress: { code: number; reason: string } | null;
}

/** What the journal records from a fetched Message: its status, its error, and whether to suppress. */
export function decideDelivery(remote: {
  status: string;
  errorCode: number | null;
}): DeliveryUpdate {
  const code = remote.errorCode;
  return {
    status: remote.status,
    errorCode: code,
    final: isFinalDelivery(remote.status),
    suppress: code !== null ? suppressionFor(code) : null,
  };
}

/** The suppression a failure with this code calls for, or null when it calls for none. */
export function suppressionFor(code: number): { code: number; reason: string } | null {
  const info = errorInfo(code);
  if (info.class !== "suppress") return null;
  return { code, reason: `${info.meaning} (error ${code})` };
}
