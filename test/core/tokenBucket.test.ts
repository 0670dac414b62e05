import { describe, expect, it } from "vitest";
import {
  LATENESS_ALLOWANCE_MS,
  TokenBucket,
  validateTokenBucketOptions,
} from "../../src/core/tokenBucket.js";
import { seededRandom } from "../support/fakeClock.js";
import { greedyStarts } from "../support/greedyStarts.js";
import { maxInWindow, steadyRate } from "../support/startTimes.js";

const RATES = [0.1, 1, 3.5, 10, 50, 200, 1000, 5000];
const BURSTS = [1, 5, 50];
const CASES = RATES.flatMap((rate) => BURSTS.map((burst) => ({ rate, burst })));

describe("TokenBucket properties, timers on time", () => {
  it.each(CASES)("rate $rate, burst $burst", ({ rate, burst }) => {
    const starts = greedyStarts(new TokenBucket({ rate, burst }, 0));
    expect(steadyRate(starts, burst - 1)).toBeGreaterThanOrEqual(rate * 0.99);
    expect(steadyRate(starts, burst - 1)).toBeLessThanOrEqual(rate * 1.01);
    expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(rate + burst);
    // The first burst is exactly `burst`, all at once.
    expect(starts.filter((t) => t === 0)).toHaveLength(burst);
  });
});

describe("TokenBucket properties, timers 0–4 ms late", () => {
  it.each(CASES)("rate $rate, burst $burst", ({ rate, burst }) => {
    const random = seededRandom(rate * 1000 + burst);
    const starts = greedyStarts(new TokenBucket({ rate, burst }, 0), {
      lateness: () => random() * 4,
    });
    expect(steadyRate(starts, burst - 1)).toBeGreaterThanOrEqual(rate * 0.99);
    expect(steadyRate(starts, burst - 1)).toBeLessThanOrEqual(rate * 1.01);
    expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(rate + burst);
  });
});

describe("TokenBucket properties, a 20–200 ms stall every ~2 s", () => {
  // A stall of d ms costs about d × rate − burst starts under the window bound, with any
  // limiter; what is checked is that nothing more is lost and the bound still holds.
  it.each(CASES)("rate $rate, burst $burst", ({ rate, burst }) => {
    const random = seededRandom(rate * 7 + burst);
    const stallChance = 1 / Math.max(1, 2 * rate); // about one wake-up per 1/rate s
    let stalled = 0;
    const lateness = () => {
      if (random() >= stallChance) return random() * 2;
      const stall = 20 + random() * 180;
      stalled += stall;
      return stall;
    };
    const starts = greedyStarts(new TokenBucket({ rate, burst }, 0), {
      lateness,
      count: Math.max(2000, Math.ceil(rate * 20)),
    });
    const span = (starts.at(-1) ?? 0) - (starts[burst - 1] ?? 0);
    const unavoidable = rate * (stalled / span);
    expect(steadyRate(starts, burst - 1)).toBeGreaterThanOrEqual((rate - unavoidable) * 0.99);
    expect(steadyRate(starts, burst - 1)).toBeLessThanOrEqual(rate * 1.01);
    expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(rate + burst);
  });
});

describe("TokenBucket burst after idle", () => {
  it.each(CASES)("rate $rate, burst $burst: exactly burst at once", ({ rate, burst }) => {
    const random = seededRandom(rate + burst);
    const bucket = new TokenBucket({ rate, burst }, 0);
    // Busy first, with late timers, so that the lateness room has filled.
    const busy = greedyStarts(bucket, {
      count: 3 * burst + 10,
      lateness: () => random() * LATENESS_ALLOWANCE_MS,
    });
    const idleUntil = (busy.at(-1) ?? 0) + 3_600_000;
    let atOnce = 0;
    while (bucket.delayUntilNext(idleUntil) === 0) {
      bucket.take(idleUntil);
      atOnce++;
    }
    expect(atOnce).toBe(burst);
    const resumed = greedyStarts(bucket, { startMs: idleUntil, count: Math.ceil(rate * 3) + 5 });
    const afterIdle = [...Array<number>(atOnce).fill(idleUntil), ...resumed];
    expect(maxInWindow(afterIdle, 1000)).toBeLessThanOrEqual(rate + burst);
  });

  it("treats a caller told to wait, but gone, as gone", () => {
    const bucket = new TokenBucket({ rate: 1000, burst: 1 }, 0);
    bucket.take(0);
    expect(bucket.delayUntilNext(0)).toBeCloseTo(1);
    // Nobody took at 1 ms; someone new arrives 5 s later.
    let atOnce = 0;
    while (bucket.delayUntilNext(5000) === 0) {
      bucket.take(5000);
      atOnce++;
    }
    expect(atOnce).toBe(1);
  });
});

describe("TokenBucket lateness room", () => {
  it("lets a caller that was told to wait catch up on LATENESS_ALLOWANCE_MS of lateness", () => {
    const bucket = new TokenBucket({ rate: 1000, burst: 1 }, 0);
    bucket.take(0);
    expect(bucket.delayUntilNext(0)).toBeCloseTo(1);
    let atOnce = 0;
    while (bucket.delayUntilNext(1 + 40) === 0) {
      bucket.take(1 + 40); // the 1 ms timer fired at 41 ms
      atOnce++;
    }
    expect(atOnce).toBe(1 + LATENESS_ALLOWANCE_MS);
  });

  it("below 100/s, keeps the schedule through up to one interval of lateness", () => {
    const bucket = new TokenBucket({ rate: 10, burst: 1 }, 0);
    bucket.take(0);
    expect(bucket.delayUntilNext(0)).toBeCloseTo(100);
    bucket.take(180); // the 100 ms timer fired 80 ms late
    expect(bucket.delayUntilNext(180)).toBeCloseTo(20); // the next start is still due at 200
  });
});

describe("TokenBucket waits", () => {
  it("asks for exactly the time to the next token", () => {
    const bucket = new TokenBucket({ rate: 4, burst: 1 }, 1000);
    expect(bucket.delayUntilNext(1000)).toBe(0);
    bucket.take(1000);
    expect(bucket.delayUntilNext(1000)).toBeCloseTo(250);
    expect(bucket.delayUntilNext(1100)).toBeCloseTo(150);
    expect(bucket.delayUntilNext(1250)).toBe(0);
  });

  it("keeps a sub-1 rate's window at burst: 0.1/s with burst 1 is one start per 10 s", () => {
    const starts = greedyStarts(new TokenBucket({ rate: 0.1, burst: 1 }, 0), { count: 4 });
    expect(starts).toEqual([0, 10_000, 20_000, 30_000]);
  });

  it("never asks a far-future clock to wait a delay too small to move it", () => {
    const bucket = new TokenBucket({ rate: 3, burst: 1 }, 1e12);
    const starts = greedyStarts(bucket, { startMs: 1e12, count: 50 });
    expect(starts).toHaveLength(50);
  });

  it("refuses a take that was not allowed", () => {
    const bucket = new TokenBucket({ rate: 1, burst: 1 }, 0);
    bucket.take(0);
    expect(() => bucket.take(10)).toThrow(/before a start was allowed/);
  });
});

describe("TokenBucket.setRate", () => {
  it("slows down from the change on, and windows after it hold the new limit", () => {
    const bucket = new TokenBucket({ rate: 100, burst: 5 }, 0);
    const before = greedyStarts(bucket, { count: 500 });
    const changedAt = before.at(-1) ?? 0;
    bucket.setRate(10, changedAt);
    const after = greedyStarts(bucket, { startMs: changedAt, count: 200 });
    // Tokens earned while the old starts still filled the window come out as one burst.
    expect(steadyRate(after, 5)).toBeCloseTo(10, 1);
    expect(maxInWindow(after, 1000)).toBeLessThanOrEqual(10 + 5);
  });

  it("speeds up again, never beyond the new rate + burst in a window", () => {
    const bucket = new TokenBucket({ rate: 2, burst: 1 }, 0);
    const before = greedyStarts(bucket, { count: 10 });
    const changedAt = before.at(-1) ?? 0;
    bucket.setRate(50, changedAt);
    const after = greedyStarts(bucket, { startMs: changedAt, count: 500 });
    expect(steadyRate(after, 0)).toBeCloseTo(50, 0);
    expect(maxInWindow([...before, ...after], 1000)).toBeLessThanOrEqual(50 + 1);
  });

  it("validates the new rate and keeps the old one", () => {
    const bucket = new TokenBucket({ rate: 2, burst: 1 }, 0);
    expect(() => bucket.setRate(0, 0)).toThrow(RangeError);
    expect(bucket.rate).toBe(2);
  });
});

describe("validateTokenBucketOptions", () => {
  it.each([
    [{ rate: "abc", burst: 1 }, "rate must be a number > 0 and ≤ 100000, got abc"],
    [{ rate: 0, burst: 1 }, "rate must be a number > 0 and ≤ 100000, got 0"],
    [{ rate: -2, burst: 1 }, "rate must be a number > 0 and ≤ 100000, got -2"],
    [{ rate: Number.NaN, burst: 1 }, "rate must be a number > 0 and ≤ 100000, got NaN"],
    [{ rate: "", burst: 1 }, 'rate must be a number > 0 and ≤ 100000, got ""'],
    [{ rate: 1e6, burst: 1 }, "rate must be a number > 0 and ≤ 100000, got 1000000"],
    [{ rate: 1, burst: 0 }, "burst must be an integer ≥ 1 and ≤ 100000, got 0"],
    [{ rate: 1, burst: 2.5 }, "burst must be an integer ≥ 1 and ≤ 100000, got 2.5"],
    [{ rate: 1, burst: "x" }, "burst must be an integer ≥ 1 and ≤ 100000, got x"],
    [{ rate: 1, burst: undefined }, "burst must be an integer ≥ 1 and ≤ 100000, got undefined"],
  ])("%o → %s", (input, message) => {
    expect(() => validateTokenBucketOptions(input)).toThrow(new RangeError(message));
  });

  it.each([
    [
      { rate: "0.1", burst: "1" },
      { rate: 0.1, burst: 1 },
    ],
    [
      { rate: 3.5, burst: 50 },
      { rate: 3.5, burst: 50 },
    ],
    [
      { rate: " 1000 ", burst: 5 },
      { rate: 1000, burst: 5 },
    ],
  ])("%o is accepted as %o", (input, expected) => {
    expect(validateTokenBucketOptions(input)).toEqual(expected);
  });

  it("is what the constructor applies", () => {
    expect(() => new TokenBucket({ rate: Number.POSITIVE_INFINITY, burst: 1 }, 0)).toThrow(
      RangeError,
    );
  });
});
