import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/journal.js";
import { recentStarts } from "../../src/journal/recentStarts.js";
import { newTestRun, pendingRow } from "../support/journalRows.js";
import { makeTempDir } from "../support/tempDir.js";

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => dir.remove());

/** A journal file whose attempts started at `times` (wall ms), alternating between two runs. */
async function journalWithStarts(times: readonly number[]): Promise<Journal> {
  let wall = 0;
  const journal = await Journal.open(join(dir.path, "journal.db"), { now: () => wall });
  const runs = [await newTestRun(journal), await newTestRun(journal)];
  for (const runId of runs) {
    await journal.insertRows(
      runId,
      times.map((_, idx) => pendingRow(idx)),
    );
  }
  for (const [i, time] of times.entries()) {
    wall = time;
    await journal.beginAttempt(runs[i % 2] ?? 0, i);
  }
  return journal;
}

describe("recentStarts", () => {
  it("gives the latest attempts' start times of every run, oldest first", async () => {
    const journal = await journalWithStarts([100, 200, 300, 400, 500]);
    try {
      expect(await recentStarts(journal.sql, 3)).toEqual([300, 400, 500]);
      expect(await recentStarts(journal.sql, 10)).toEqual([100, 200, 300, 400, 500]);
    } finally {
      await journal.close();
    }
  });

  it("is empty on a journal with no attempts", async () => {
    const journal = await Journal.open(join(dir.path, "journal.db"));
    try {
      expect(await recentStarts(journal.sql, 3)).toEqual([]);
    } finally {
      await journal.close();
    }
  });

  it("reads backwards through the attempts' key: no sort, no index of its own", async () => {
    const journal = await journalWithStarts([1, 2, 3]);
    try {
      const plan = journal.db
        .prepare("EXPLAIN QUERY PLAN SELECT started_at FROM attempts ORDER BY id DESC LIMIT ?")
        .all(3) as { detail: string }[];
      expect(plan.map((p) => p.detail)).toEqual(["SCAN attempts"]);
    } finally {
      await journal.close();
    }
  });
});
