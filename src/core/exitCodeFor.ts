import type { StateCounts } from "./rowState.js";

/**
 * 3 when any row is in doubt (the most urgent: reconcile first); 4 when rows are held for quiet
 * hours (the run is not over, so its failures are judged by the command that finishes it);
 * 1 when any failed, was invalid or is still pending.
 */
export function exitCodeFor(counts: StateCounts, heldForQuietHours = 0): 0 | 1 | 3 | 4 {
  if (counts.in_doubt > 0) return 3;
  if (heldForQuietHours > 0) return 4;
  if (counts.failed + counts.invalid + counts.pending > 0) return 1;
  return 0;
}
