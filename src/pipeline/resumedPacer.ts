import type { Clock } from "../core/clock.js";
import {
  type TokenBucketOptions,
  validateTokenBucketOptions,
  windowSizeOf,
} from "../core/tokenBucket.js";
import { recentStarts } from "../journal/recentStarts.js";
import type { SqlQueries } from "../journal/sql/sqlClient.js";
import { Pacer } from "./pacer.js";

/**
 * A pacer of this process's own that carries on from the journal's latest starts, so that a
 * sender killed (kill -9, a crash) and started again at once by cron or a supervisor cannot
 * start a fresh burst on top of the second it was killed in. The journal already holds every
 * start, committed before its request left: one read at the start replaces the durable write
 * per few starts that keeping the bucket itself in the journal would cost.
 *
 * The journal's times are wall-clock ms (the journal's clock, `Date.now`), the pacer's `clock`
 * is monotonic: each start is placed at its age before now. A start ahead of now (the wall
 * clock stepped back) counts as now, which only slows; one stepped forward between the two lives
 * makes them look older, as it would to any limiter kept by the wall clock.
 */
export async function resumedPacer(
  sql: SqlQueries,
  options: TokenBucketOptions,
  clock: Clock,
  wallNow: () => number = Date.now,
): Promise<Pacer> {
  const { rate, burst } = validateTokenBucketOptions(options);
  const starts = await recentStarts(sql, windowSizeOf(rate, burst));
  const wall = wallNow();
  const now = clock.now();
  // Both readings are whole ms rounded down, so an age may read up to 1 ms long: take 1 off.
  const past = starts.map((start) => now - Math.max(0, wall - start - 1));
  return new Pacer({ rate, burst }, clock, past);
}
