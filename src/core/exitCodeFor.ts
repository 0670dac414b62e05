import type { StateCounts } from "./rowState.js";

/** 3 when any row is in doubt (the most urgent: reconcile first), 1 when any failed or was invalid. */
export function exitCodeFor(counts: StateCounts): 0 | 1 | 3 {
  if (counts.in_doubt > 0) return 3;
  if (counts.failed + counts.invalid + counts.pending > 0) return 1;
  return 0;
}
