import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/journal.js";
import { reserveRateSlots } from "../../src/journal/rateSlots.js";
import { SharedPacer } from "../../src/pipeline/sharedPacer.js";
import { FakeClock, seededRandom } from "../support/fakeClock.js";
import { maxInWindow, steadyRate } from "../support/startTimes.js";
import { makeTempDir } from "../support/tempDir.js";

// The account's limiter row in a real SQLite journal, read on the fake clock: the pacers'
// timing is virtual, the reservations are the journal's own.
const open: { journal: Journal; remove(): void }[] = [];
afterEach(async () => {
  for (const { journal, remove } of open.splice(0)) {
    await journal.close();
    remove();
  }
});

async function limiterRow(clock: FakeClock) {
  const dir = makeTempDir();
  const journal = await Journal.open(join(dir.path, "journal.db"));
  open.push({ journal, remove: () => dir.remove() });
  return (account: string, rate: number, burst: number) =>
    new SharedPacer({ rate, burst }, clock, (request) =>
      reserveRateSlots(journal.sql, account, request, () => clock.now()),
    );
}

async function starts(pacer: SharedPacer, count: number, clock: FakeClock): Promise<number[]> {
  const at: number[] = [];
  for (let i = 0; i < count; i++) {
    await pacer.acquire();
    at.push(clock.now());
  }
  return at;
}

describe("SharedPacer", () => {
  it("holds the account's rate across three senders: every 1 s window within rate + burst", async () => {
    const clock = new FakeClock({ startMs: 1_000_000, lateness: seededRandom(7) });
    const pacer = await limiterRow(clock);
    const senders = [pacer("AC1", 100, 5), pacer("AC1", 100, 5), pacer("AC1", 100, 5)];
    const each = await Promise.all(senders.map((s) => starts(s, 200, clock)));
    const all = each.flat().sort((a, b) => a - b);
    expect(maxInWindow(all, 1000)).toBeLessThanOrEqual(100 + 5);
    expect(steadyRate(all, 5)).toBeGreaterThan(95);
    expect(steadyRate(all, 5)).toBeLessThan(101);
  });

  it("keeps other accounts' rates apart", async () => {
    const clock = new FakeClock({ startMs: 1_000_000 });
    const pacer = await limiterRow(clock);
    const [a, b] = await Promise.all([
      starts(pacer("AC1", 50, 1), 100, clock),
      starts(pacer("AC2", 50, 1), 100, clock),
    ]);
    expect(steadyRate(a ?? [], 1)).toBeCloseTo(50, 0);
    expect(steadyRate(b ?? [], 1)).toBeCloseTo(50, 0);
  });

  it("gives a sender that comes back no credit the row does not hold: a restart cannot burst", async () => {
    const clock = new FakeClock({ startMs: 1_000_000 });
    const pacer = await limiterRow(clock);
    const first = await starts(pacer("AC1", 50, 10), 60, clock);
    // The same account at once after: a new process on the same row.
    const again = await starts(pacer("AC1", 50, 10), 60, clock);
    expect(maxInWindow([...first, ...again], 1000)).toBeLessThanOrEqual(50 + 10);
    expect(again[0]).toBeGreaterThan(first.at(-1) ?? 0);
  });

  it("gives up a slot it woke too late for rather than start it late", async () => {
    const clock = new FakeClock({ startMs: 1_000_000, lateness: () => 10 });
    const pacer = (await limiterRow(clock))("AC1", 100, 1);
    const at = await starts(pacer, 2, clock);
    // The second slot was due 10 ms after the first; the timer came 10 ms late, past the grace.
    expect(pacer.givenUp).toBe(1);
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBe(20);
  });

  it("rejects a waiter whose signal aborts, and serves the others", async () => {
    const clock = new FakeClock({ startMs: 1_000_000 });
    const pacer = (await limiterRow(clock))("AC1", 10, 1);
    await pacer.acquire();
    const controller = new AbortController();
    const left = pacer.acquire(controller.signal);
    const next = pacer.acquire();
    controller.abort("gone");
    await expect(left).rejects.toBe("gone");
    await next;
    expect(clock.now()).toBe(1_000_100);
  });
});
