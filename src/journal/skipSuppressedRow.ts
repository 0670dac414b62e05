import type { Journal } from "./journal.js";

/**
 * Marks a pending row skipped because its number is now suppressed: it became so after the
 * pre-flight (an opt-out earlier in this very run, or since). Returns whether the row moved; a
 * row that is no longer pending is left alone.
 */
export async function skipSuppressedRow(
  journal: Journal,
  runId: number,
  idx: number,
  suppression: { reason: string },
): Promise<boolean> {
  const { changes } = await journal.sql.run(
    `UPDATE rows SET state = 'skipped', reason = ?, updated_at = ?
       WHERE run_id = ? AND idx = ? AND state = 'pending'`,
    [`suppressed: ${suppression.reason}`, Date.now(), runId, idx],
  );
  return changes > 0;
}
