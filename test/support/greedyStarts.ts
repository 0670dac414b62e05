import type { TokenBucket } from "../../src/core/tokenBucket.js";

/**
 * Starts as fast as the bucket allows from `startMs`, timers `lateness()` late, until `count`
 * starts or the time `until` (excluded), whichever comes first.
 */
export function greedyStarts(
  bucket: TokenBucket,
  opts: { startMs?: number; count?: number; until?: number; lateness?: () => number } = {},
): number[] {
  const count =
    opts.count ??
    (opts.until === undefined ? Math.max(2000, Math.ceil(bucket.rate * 5)) : Infinity);
  const until = opts.until ?? Infinity;
  const lateness = opts.lateness ?? (() => 0);
  const starts: number[] = [];
  let now = opts.startMs ?? 0;
  while (starts.length < count && now < until) {
    const delay = bucket.delayUntilNext(now);
    if (delay > 0) {
      now += delay + lateness();
      continue;
    }
    bucket.take(now);
    starts.push(now);
  }
  return starts;
}
