import { describe, expect, it } from "vitest";
import { Pacer } from "../../src/pipeline/pacer.js";
import { FakeClock } from "../support/fakeClock.js";
import { maxInWindow } from "../support/startTimes.js";

describe("Pacer", () => {
  it("serves concurrent waiters first come, first served, with one timer at a time", async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ rate: 10, burst: 2 }, clock);
    const served: { id: number; at: number }[] = [];
    await Promise.all(
      Array.from({ length: 30 }, (_, id) =>
        pacer.acquire().then(() => served.push({ id, at: clock.now() })),
      ),
    );
    expect(served.map((s) => s.id)).toEqual(Array.from({ length: 30 }, (_, id) => id));
    expect(served.slice(0, 3).map((s) => s.at)).toEqual([0, 0, 100]);
    expect(served.at(-1)?.at).toBeCloseTo(2800);
    expect(
      maxInWindow(
        served.map((s) => s.at),
        1000,
      ),
    ).toBeLessThanOrEqual(12);
    expect(clock.maxPending).toBe(1);
  });

  it("resolves at once, without a timer, while a token is there", async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ rate: 1, burst: 3 }, clock);
    await pacer.acquire();
    await pacer.acquire();
    await pacer.acquire();
    expect(clock.sleepCalls).toBe(0);
  });

  it("rejects an aborted waiter and still serves the others in order", async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ rate: 1, burst: 1 }, clock);
    await pacer.acquire();
    const controller = new AbortController();
    const order: string[] = [];
    const a = pacer.acquire().then(() => order.push(`a@${clock.now()}`));
    const b = pacer.acquire(controller.signal).then(
      () => order.push("b"),
      (reason: unknown) => order.push(`b aborted: ${String(reason)}`),
    );
    const c = pacer.acquire().then(() => order.push(`c@${clock.now()}`));
    controller.abort("user");
    await Promise.all([a, b, c]);
    expect(order).toEqual(["b aborted: user", "a@1000", "c@2000"]);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const pacer = new Pacer({ rate: 1, burst: 1 }, new FakeClock());
    await expect(pacer.acquire(AbortSignal.abort("gone"))).rejects.toBe("gone");
  });

  it("clears its timer when every waiter has left", async () => {
    const clock = new FakeClock({ autoAdvance: false });
    const pacer = new Pacer({ rate: 0.1, burst: 1 }, clock);
    await pacer.acquire();
    const controller = new AbortController();
    const waiting = pacer.acquire(controller.signal).catch(() => "left");
    await clock.settle();
    expect(clock.pending).toBe(1);
    controller.abort();
    expect(await waiting).toBe("left");
    await clock.settle();
    expect(clock.pending).toBe(0);
  });

  it("applies a higher rate to a waiter already sleeping", async () => {
    const clock = new FakeClock({ autoAdvance: false });
    const pacer = new Pacer({ rate: 0.1, burst: 1 }, clock);
    await pacer.acquire();
    let servedAt: number | undefined;
    const waiting = pacer.acquire().then(() => {
      servedAt = clock.now();
    });
    await clock.advance(1000);
    pacer.setRate(2);
    await clock.advance(1000);
    await waiting;
    // 0.1 token earned in the first second, the other 0.9 at 2/s: 450 ms later.
    expect(servedAt).toBeCloseTo(1450);
    expect(pacer.rate).toBe(2);
  });
});
