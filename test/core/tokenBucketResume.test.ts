import { describe, expect, it } from "vitest";
import { TokenBucket, windowSizeOf } from "../../src/core/tokenBucket.js";
import { seededRandom } from "../support/fakeClock.js";
import { greedyStarts } from "../support/greedyStarts.js";
import { maxInWindow } from "../support/startTimes.js";

// A bucket given a killed process's starts (TokenBucket's `past`) and started again at once:
// against a fake clock, no 1 s window across the two lives holds more than rate + burst, and
// the first second after the restart starts no more than the first bucket would have, had its
// process lived through the gap.

/** Starts as fast as allowed from `from` until `until` (excluded), timers `lateness()` late. */
function greedyUntil(
  bucket: TokenBucket,
  from: number,
  until: number,
  lateness: () => number = () => 0,
): number[] {
  return greedyStarts(bucket, { startMs: from, until, lateness });
}

const count = (starts: readonly number[], from: number, to: number) =>
  starts.filter((t) => t >= from && t < to).length;

const CASES = [1, 10, 50, 200].flatMap((rate) =>
  [1, 5, 50].flatMap((burst) =>
    [300, 2500].flatMap((killAt) => [0, 50, 400].map((gap) => ({ rate, burst, killAt, gap }))),
  ),
);

describe("TokenBucket resumed from a killed process's starts", () => {
  it.each(CASES)(
    "rate $rate, burst $burst, killed at $killAt ms, restarted $gap ms later",
    ({ rate, burst, killAt, gap }) => {
      const random = seededRandom(rate * 1000 + burst * 10 + gap);
      const lateness = () => random() * 4;
      const first = new TokenBucket({ rate, burst }, 0);
      const before = greedyUntil(first, 0, killAt, lateness);
      const restart = killAt + gap;
      const past = before.slice(-windowSizeOf(rate, burst));
      const after = greedyUntil(
        new TokenBucket({ rate, burst }, restart, past),
        restart,
        restart + 3000,
        lateness,
      );
      expect(maxInWindow([...before, ...after], 1000)).toBeLessThanOrEqual(rate + burst);
      // The first bucket, had its process lived, idle through the gap.
      const lived = greedyUntil(first, restart, restart + 1000, lateness);
      expect(count(after, restart, restart + 1000)).toBeLessThanOrEqual(lived.length);
    },
  );

  it("is what a bucket that starts full would break: a second burst on top of the first", () => {
    const before = greedyUntil(new TokenBucket({ rate: 10, burst: 50 }, 0), 0, 300);
    const fresh = greedyUntil(new TokenBucket({ rate: 10, burst: 50 }, 300), 300, 1300);
    expect(maxInWindow([...before, ...fresh], 1000)).toBeGreaterThan(10 + 50);
  });

  it("allows the whole burst again when the last starts are long past", () => {
    const past = Array.from({ length: 15 }, (_, i) => i * 100);
    const bucket = new TokenBucket({ rate: 10, burst: 5 }, 60_000, past);
    expect(greedyUntil(bucket, 60_000, 60_001)).toHaveLength(5);
  });

  it("holds a start back until the window's oldest start is 1 s old", () => {
    // 15 starts (the window at 10/s + 5) 50 ms apart, the last 50 ms ago: the oldest is 750 ms
    // old, so the next may start in 250 ms, whatever the tokens say.
    const past = Array.from({ length: 15 }, (_, i) => 250 + i * 50);
    const bucket = new TokenBucket({ rate: 10, burst: 5 }, 1000, past);
    expect(bucket.delayUntilNext(1000)).toBeCloseTo(250);
  });

  it("replays the tokens from none left: starts at the rate leave no burst", () => {
    // A bucket that has kept to the rate for a second has spent its burst; 30 ms of refill
    // since the last start is 0.3 of a token.
    const past = Array.from({ length: 6 }, (_, i) => 470 + i * 100);
    const bucket = new TokenBucket({ rate: 10, burst: 20 }, 1000, past);
    expect(bucket.delayUntilNext(1000)).toBeCloseTo(70);
  });

  it("counts starts after its own start (a wall clock stepped back) as made at its start", () => {
    const past = Array.from({ length: 3 }, (_, i) => 5000 + i);
    const bucket = new TokenBucket({ rate: 1, burst: 2 }, 1000, past);
    expect(bucket.delayUntilNext(1000)).toBeCloseTo(1000);
  });

  it("owes no more than its window when the past was faster than its rate", () => {
    // A previous run at 100/s; this one is at 1/s, burst 1: the window of 2 and one token's
    // refill both want 1 s after the last start, not a debt of the whole past.
    const past = Array.from({ length: 100 }, (_, i) => i * 10);
    const bucket = new TokenBucket({ rate: 1, burst: 1 }, 1000, past);
    expect(bucket.delayUntilNext(1000)).toBeCloseTo(990);
  });
});
