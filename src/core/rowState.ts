/** Every row of a run ends in one of these; `pending` is only ever a row not yet decided. */
export const ROW_STATES = ["pending", "sent", "failed", "invalid", "skipped", "in_doubt"] as const;
export type RowState = (typeof ROW_STATES)[number];

export type StateCounts = Record<RowState, number>;

export function emptyCounts(): StateCounts {
  return { pending: 0, sent: 0, failed: 0, invalid: 0, skipped: 0, in_doubt: 0 };
}
