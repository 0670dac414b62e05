/**
 * The account-wide rate as one number shared by every sender: GCRA's "theoretical arrival
 * time" (tat), the time the next start would be due if starts had kept exactly to the rate.
 * Measured against fixed windows and token buckets shared through a store (../shared notes),
 * it is the one scheme that kept every 1 s window within rate + burst: a sender reserves
 * `count` slots by moving tat forward, and nothing it has not reserved can start early.
 */
export interface SlotRequest {
  /** 1000 / rate. */
  intervalMs: number;
  /** Starts allowed back to back after a pause: up to burst − 1 slots may lie in the past. */
  burst: number;
  count: number;
}

export interface Reservation {
  /** The first of `count` slots, `intervalMs` apart; it may be earlier than now (burst credit). */
  firstSlotMs: number;
  /** The tat to store. */
  tatMs: number;
}

/**
 * The slots granted at `nowMs` given the stored tat (undefined: no sender of this account yet,
 * so no credit either: a new or restarted limiter cannot burst).
 */
export function reserveSlots(
  tatMs: number | undefined,
  nowMs: number,
  request: SlotRequest,
): Reservation {
  const { intervalMs, burst, count } = request;
  const firstSlotMs =
    tatMs === undefined ? nowMs : Math.max(tatMs, nowMs - (burst - 1) * intervalMs);
  return { firstSlotMs, tatMs: firstSlotMs + count * intervalMs };
}
