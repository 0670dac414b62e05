import { describe, expect, it } from "vitest";
import { type DispatchOptions, dispatch, type WorkResult } from "../../src/pipeline/dispatch.js";
import { FakeClock, seededRandom } from "../support/fakeClock.js";
import { maxInWindow, steadyRate } from "../support/startTimes.js";

async function* numbers(count: number, pulled?: { count: number }): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) {
    if (pulled) pulled.count++;
    yield i;
  }
}

/** Runs dispatch with a fake clock; the worker's job takes `latencyMs` of virtual time. */
function run(
  options: Partial<DispatchOptions<number>> & { count?: number; latencyMs?: number },
  clock = new FakeClock(),
) {
  const starts: { item: number; at: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const worker =
    options.worker ??
    (async () => {
      await clock.sleep(options.latencyMs ?? 100);
      return { kind: "done" } as const;
    });
  const done = dispatch<number>({
    items: numbers(options.count ?? 20),
    rate: 10,
    burst: 1,
    concurrency: 4,
    clock,
    ...options,
    onStart: (item) => starts.push({ item, at: clock.now() }),
    worker: async (item, control) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await worker(item, control);
      } finally {
        inFlight--;
      }
    },
  });
  return { clock, starts, done, maxInFlight: () => maxInFlight, inFlight: () => inFlight };
}

const RATES = [0.1, 1, 3.5, 10, 50, 200, 1000, 5000];
const BURSTS = [1, 5, 50];

describe("dispatch pacing, 100 ms workers, timers 0–4 ms late", () => {
  it.each(RATES.flatMap((rate) => BURSTS.map((burst) => ({ rate, burst }))))(
    "rate $rate, burst $burst",
    async ({ rate, burst }) => {
      const random = seededRandom(rate * 100 + burst);
      const clock = new FakeClock({ lateness: () => random() * 4 });
      const count = Math.min(15_000, Math.max(200 + burst, Math.ceil(rate * 3)));
      const concurrency = Math.ceil(rate * 0.2) + burst;
      const { starts, done, maxInFlight } = run({ rate, burst, concurrency, count }, clock);
      expect(await done).toEqual({ started: count, stoppedEarly: false });
      const times = starts.map((s) => s.at);
      expect(steadyRate(times, burst - 1)).toBeGreaterThanOrEqual(rate * 0.99);
      expect(steadyRate(times, burst - 1)).toBeLessThanOrEqual(rate * 1.01);
      expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(rate + burst);
      expect(maxInFlight()).toBeLessThanOrEqual(concurrency);
    },
  );
});

describe("dispatch concurrency", () => {
  it("never runs more workers than the concurrency, and uses all of it when slow", async () => {
    const { done, maxInFlight, starts } = run({
      rate: 1000,
      burst: 50,
      concurrency: 7,
      count: 200,
      latencyMs: 250,
    });
    await done;
    expect(maxInFlight()).toBe(7);
    // 7 at a time, 250 ms each: the slots, not the rate, set the pace.
    expect(starts.at(-1)?.at).toBeCloseTo(28 * 250, -1);
  });

  it("keeps the caller's count of workers in flight: each one while it runs, none at the end", async () => {
    const counted = { count: 0 };
    const seen: number[] = [];
    const clock = new FakeClock();
    const { done } = run(
      {
        rate: 1000,
        burst: 50,
        concurrency: 3,
        count: 12,
        inFlight: counted,
        worker: async () => {
          seen.push(counted.count);
          await clock.sleep(100);
          return { kind: "done" };
        },
      },
      clock,
    );
    await done;
    expect(Math.max(...seen)).toBe(3);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(1);
    expect(counted.count).toBe(0);
  });
});

describe("dispatch retries", () => {
  it("re-queues the item after afterMs and takes a token again", async () => {
    const tries = new Map<number, number>();
    const { done, starts } = run({
      rate: 1,
      burst: 1,
      concurrency: 1,
      count: 2,
      worker: async (item) => {
        tries.set(item, (tries.get(item) ?? 0) + 1);
        return item === 0 && tries.get(0) === 1 ? { kind: "retry", afterMs: 0 } : { kind: "done" };
      },
    });
    expect(await done).toEqual({ started: 3, stoppedEarly: false });
    // The retry is due at once but waits for the next token, then goes before item 1.
    expect(starts).toEqual([
      { item: 0, at: 0 },
      { item: 0, at: 1000 },
      { item: 1, at: 2000 },
    ]);
  });

  it("holds no slot while an item waits out its delay", async () => {
    const { done, starts } = run({
      rate: 100,
      burst: 1,
      concurrency: 1,
      count: 3,
      worker: async (item) =>
        item === 0 && starts.filter((s) => s.item === 0).length === 1
          ? { kind: "retry", afterMs: 5000 }
          : { kind: "done" },
    });
    await done;
    expect(starts).toEqual([
      { item: 0, at: 0 },
      { item: 1, at: 10 },
      { item: 2, at: 20 },
      { item: 0, at: 5000 },
    ]);
  });

  it("serves a retry that is due before new items", async () => {
    const seen: number[] = [];
    const { done } = run({
      rate: 10,
      concurrency: 1,
      count: 5,
      worker: async (item) => {
        seen.push(item);
        return item === 1 && seen.filter((i) => i === 1).length === 1
          ? { kind: "retry", afterMs: 10 }
          : { kind: "done" };
      },
    });
    await done;
    expect(seen).toEqual([0, 1, 1, 2, 3, 4]);
  });
});

describe("dispatch with a slow source", () => {
  it("starts a retry that falls due while the source has not given its next item", async () => {
    const clock = new FakeClock();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // As a worker on a shared run: its one row, then a wait for its peers before the end.
    async function* source() {
      yield 0;
      await held;
    }
    const starts: { item: number; at: number }[] = [];
    let tries = 0;
    const done = dispatch<number>({
      items: source(),
      rate: 10,
      burst: 1,
      concurrency: 2,
      clock,
      onStart: (item) => starts.push({ item, at: clock.now() }),
      worker: async () => (++tries === 1 ? { kind: "retry", afterMs: 1000 } : { kind: "done" }),
    });
    await clock.advance(1500);
    expect(starts).toEqual([
      { item: 0, at: 0 },
      { item: 0, at: 1000 },
    ]);
    release();
    expect(await done).toEqual({ started: 2, stoppedEarly: false });
  });
});

describe("dispatch stop and abort", () => {
  /** Workers that take 300 ms and report whether they were still running at the end. */
  function slowRun(result: (item: number) => WorkResult, signal?: AbortSignal) {
    const clock = new FakeClock();
    const finished: number[] = [];
    const handle = run(
      {
        rate: 10,
        burst: 1,
        concurrency: 3,
        count: 100,
        ...(signal ? { signal } : {}),
        worker: async (item) => {
          await clock.sleep(300);
          finished.push(item);
          return result(item);
        },
      },
      clock,
    );
    return { ...handle, finished };
  }

  it("stops starting on a stop result and waits for the workers in flight", async () => {
    const { done, starts, finished, inFlight } = slowRun((item) =>
      item === 4 ? { kind: "stop" } : { kind: "done" },
    );
    const summary = await done;
    expect(summary).toEqual({ started: 7, stoppedEarly: true, reason: "stop" });
    // Item 4 started at 400 ms and stopped at 700; 5 and 6 had started and finished after it.
    expect(starts.map((s) => s.item)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(finished).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(inFlight()).toBe(0);
  });

  it("stops starting on abort, waits for the workers in flight and leaves no timer", async () => {
    const controller = new AbortController();
    const { done, starts, finished, clock } = slowRun(
      (item) => (item === 1 ? { kind: "retry", afterMs: 60_000 } : { kind: "done" }),
      controller.signal,
    );
    void clock.sleep(650).then(() => controller.abort());
    expect(await done).toEqual({ started: 7, stoppedEarly: true, reason: "signal" });
    expect(starts.map((s) => s.at)).toEqual([0, 100, 200, 300, 400, 500, 600]);
    expect(finished).toHaveLength(7);
    expect(clock.now()).toBe(900);
    expect(clock.pending).toBe(0);
  });

  it("starts nothing when the signal is already aborted", async () => {
    const { done, starts } = run({ signal: AbortSignal.abort() });
    expect(await done).toEqual({ started: 0, stoppedEarly: true, reason: "signal" });
    expect(starts).toEqual([]);
  });

  it("does not wait for a slow source once aborted, and closes it", async () => {
    const controller = new AbortController();
    let closed = false;
    const clock = new FakeClock();
    async function* slowSource() {
      try {
        yield 1;
        await new Promise(() => {});
      } finally {
        closed = true;
      }
    }
    const done = dispatch({
      items: slowSource(),
      rate: 10,
      burst: 1,
      concurrency: 2,
      clock,
      signal: controller.signal,
      worker: async () => ({ kind: "done" }),
    });
    await clock.settle();
    controller.abort();
    expect(await done).toEqual({ started: 1, stoppedEarly: true, reason: "signal" });
    // The source is asked to close, but an async generator runs return() only after the
    // next() it is stuck in; dispatch does not wait for that.
    expect(closed).toBe(false);
  });
});

describe("dispatch reads lazily", () => {
  it("pulls at most one item ahead of the starts", async () => {
    const pulled = { count: 0 };
    const clock = new FakeClock();
    let mostAhead = 0;
    let started = 0;
    const done = dispatch({
      items: numbers(1_000_000, pulled),
      rate: 5000,
      burst: 50,
      concurrency: 10,
      clock,
      signal: AbortSignal.any([]),
      onStart: () => {
        started++;
        mostAhead = Math.max(mostAhead, pulled.count - started);
      },
      worker: async () => {
        await clock.sleep(20);
        return started >= 2000 ? { kind: "stop" } : { kind: "done" };
      },
    });
    const summary = await done;
    expect(summary.reason).toBe("stop");
    expect(mostAhead).toBeLessThanOrEqual(1);
    expect(pulled.count).toBeLessThanOrEqual(summary.started + 1);
  });
});

describe("dispatch rate control", () => {
  it("lets a worker lower the rate at run time (a 429)", async () => {
    const { done, starts } = run({
      rate: 10,
      burst: 1,
      concurrency: 2,
      count: 30,
      latencyMs: 10,
      worker: async (item, control) => {
        if (item === 9) control.setRate(2);
        return { kind: "done" };
      },
    });
    await done;
    const later = starts.filter((s) => s.item >= 12).map((s) => s.at);
    expect(steadyRate(later, 0)).toBeCloseTo(2, 5);
    expect(
      maxInWindow(
        starts.map((s) => s.at),
        1000,
      ),
    ).toBeLessThanOrEqual(11);
  });
});

describe("dispatch failures", () => {
  it("rejects with a worker's throw once the workers in flight are done", async () => {
    const clock = new FakeClock();
    const finished: number[] = [];
    const { done } = run(
      {
        rate: 100,
        concurrency: 3,
        worker: async (item) => {
          if (item === 1) throw new Error("bug");
          await clock.sleep(50);
          finished.push(item);
          return { kind: "done" };
        },
      },
      clock,
    );
    await expect(done).rejects.toThrow("bug");
    // Item 1 threw at 10 ms, before 2 was due; dispatch still waited for 0 to finish.
    expect(finished).toEqual([0]);
    expect(clock.now()).toBe(50);
  });

  it("rejects with the source's error", async () => {
    async function* broken() {
      yield 1;
      throw new Error("bad row");
    }
    const done = dispatch({
      items: broken(),
      rate: 10,
      burst: 1,
      concurrency: 1,
      clock: new FakeClock(),
      worker: async () => ({ kind: "done" }),
    });
    await expect(done).rejects.toThrow("bad row");
  });

  it.each([
    [{ concurrency: 0 }, "concurrency must be an integer ≥ 1, got 0"],
    [{ concurrency: 1.5 }, "concurrency must be an integer ≥ 1, got 1.5"],
    [{ rate: Number.NaN }, "rate must be a number > 0 and ≤ 100000, got NaN"],
    [{ burst: 0 }, "burst must be an integer ≥ 1 and ≤ 100000, got 0"],
  ])("validates %o", (bad, message) => {
    expect(() =>
      dispatch({
        items: numbers(1),
        rate: 1,
        burst: 1,
        concurrency: 1,
        clock: new FakeClock(),
        worker: async () => ({ kind: "done" }),
        ...bad,
      }),
    ).toThrow(new RangeError(message));
  });
});

describe("skipped items", () => {
  it("take no token: 600 items, 10 skipped, at 50/s start 590 in 590 tokens' time", async () => {
    const skipped = new Set([5, 65, 125, 185, 245, 305, 365, 425, 485, 545]);
    const asked: number[] = [];
    const { starts, done } = run({
      rate: 50,
      concurrency: 10,
      count: 600,
      skip: (item) => {
        asked.push(item);
        return skipped.has(item);
      },
    });
    expect(await done).toEqual({ started: 590, stoppedEarly: false });
    expect(starts.map((s) => s.item).filter((item) => skipped.has(item))).toEqual([]);
    expect(new Set(asked)).toEqual(new Set(Array.from({ length: 600 }, (_, i) => i)));
    // Virtual time: 590 tokens at 20 ms each; had the skips taken tokens, 600.
    expect(starts.at(-1)?.at).toBe(589 * 20);
  });

  it("asks again before a retry starts, and a throw fails the run", async () => {
    let tries = 0;
    const retried = run({
      count: 1,
      worker: async () => ({ kind: "retry", afterMs: 10 }),
      skip: () => tries++ > 0,
    });
    expect(await retried.done).toEqual({ started: 1, stoppedEarly: false });

    const failing = run({
      count: 3,
      skip: (item) => {
        if (item === 1) throw new Error("journal gone");
        return false;
      },
    });
    await expect(failing.done).rejects.toThrow("journal gone");
    expect(failing.starts.map((s) => s.item)).toEqual([0]);
  });
});
