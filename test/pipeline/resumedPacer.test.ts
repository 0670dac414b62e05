import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/journal.js";
import { resumedPacer } from "../../src/pipeline/resumedPacer.js";
import { FakeClock } from "../support/fakeClock.js";
import { newTestRun, pendingRow } from "../support/journalRows.js";
import { makeTempDir } from "../support/tempDir.js";

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => dir.remove());

/** The wall clock a killed process wrote its attempts by, and the restarted one reads. */
const WALL = 1_700_000_000_000;

/** A journal file with an attempt started at each of `ages` ms before WALL, oldest first. */
async function journalWithAges(ages: readonly number[]): Promise<Journal> {
  let wall = 0;
  const journal = await Journal.open(join(dir.path, "journal.db"), { now: () => wall });
  const runId = await newTestRun(journal);
  await journal.insertRows(
    runId,
    ages.map((_, idx) => pendingRow(idx)),
  );
  for (const [idx, age] of ages.entries()) {
    wall = WALL - age;
    await journal.beginAttempt(runId, idx);
  }
  return journal;
}

describe("resumedPacer", () => {
  it("places the journal's wall-clock starts at their age on the pacer's clock", async () => {
    // 20 starts 50 ms apart, the last 50 ms ago; at 10/s + 5 the window is the last 15, whose
    // oldest is 750 ms old: the first start is due 250 ms on (1 ms more for whole-ms times).
    const journal = await journalWithAges(Array.from({ length: 20 }, (_, i) => 1000 - i * 50));
    try {
      const clock = new FakeClock({ startMs: 42_000 });
      const pacer = await resumedPacer(journal.sql, { rate: 10, burst: 5 }, clock, () => WALL);
      await pacer.acquire();
      expect(clock.now()).toBeCloseTo(42_251, 3);
    } finally {
      await journal.close();
    }
  });

  it("starts a whole burst at once when the journal's last start is long past", async () => {
    const journal = await journalWithAges([3_600_000, 3_599_000]);
    try {
      const clock = new FakeClock({ startMs: 7 });
      const pacer = await resumedPacer(journal.sql, { rate: 10, burst: 5 }, clock, () => WALL);
      for (let i = 0; i < 5; i++) await pacer.acquire();
      expect(clock.now()).toBe(7);
      expect(clock.sleepCalls).toBe(0);
    } finally {
      await journal.close();
    }
  });

  it("validates rate and burst before it reads the journal", async () => {
    const journal = await Journal.open(join(dir.path, "journal.db"));
    try {
      await expect(
        resumedPacer(journal.sql, { rate: 0, burst: 1 }, new FakeClock()),
      ).rejects.toThrow(/rate must be a number > 0/);
    } finally {
      await journal.close();
    }
  });
});
