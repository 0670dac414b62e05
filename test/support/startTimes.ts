/** Measures on a list of start times (ms, ascending) shared by the limiter tests. */

/** The most starts in any half-open window [t, t + windowMs), checking every start as t. */
export function maxInWindow(starts: readonly number[], windowMs: number): number {
  let most = 0;
  let end = 0;
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i] ?? 0;
    while (end < starts.length && (starts[end] ?? 0) < from + windowMs) end++;
    most = Math.max(most, end - i);
  }
  return most;
}

/**
 * Starts per second after the first `skip` starts: the initial burst is spent at once and
 * would otherwise swamp the average of a slow rate (50 starts at 0.1/s are 500 s of rate).
 */
export function steadyRate(starts: readonly number[], skip: number): number {
  const first = starts[skip];
  const last = starts[starts.length - 1];
  if (first === undefined || last === undefined || last === first) return Number.NaN;
  return ((starts.length - 1 - skip) * 1000) / (last - first);
}
