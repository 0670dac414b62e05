import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RetryFilter } from "../../src/core/decideRetry.js";
import { Journal, type NewRow } from "../../src/journal/journal.js";
import { requeueRows } from "../../src/journal/retryRows.js";
import { addSuppression } from "../../src/journal/suppressionList.js";
import { describeChoice, emptyTally, selectRetryRows } from "../../src/pipeline/selectRetryRows.js";
import { newTestRun, pendingRow } from "../support/journalRows.js";
import { useSendFixture } from "../support/simulatorFixture.js";

// Retry decides, requeues and sends its selection a page at a time, holding no row list: what
// it selects must not depend on where the pages break. A real journal, tiny pages.

const fx = useSendFixture();
let journal: Journal;
let runId: number;
beforeEach(async () => {
  journal = await Journal.open(fx.journalPath());
  runId = await newTestRun(journal);
});
afterEach(async () => {
  await journal.close();
});

/** How each row of the run ends up before the retry, by idx modulo the table's length. */
const SHAPES = [
  { state: "failed", http: 429, code: 20429 }, // selected by --status 429
  { state: "failed", http: 400, code: 21211 }, // permanent, and not asked for
  { state: "sent", http: 201, code: null }, // delivered: never a candidate
  { state: "in_doubt", http: null, code: null }, // left alone, counted
  { state: "pending", http: 429, code: 20429 }, // selected (interrupted retry)
  { state: "failed", http: 500, code: 20500 }, // no match
  { state: "pending", http: 429, code: 20429, suppressed: true }, // skipped
] as const;

const number = (idx: number) => `+1202555${String(1000 + idx)}`;

async function seed(count: number): Promise<void> {
  const rows: NewRow[] = [];
  for (let idx = 0; idx < count; idx++) rows.push(pendingRow(idx, number(idx)));
  await journal.insertRows(runId, rows);
  for (let idx = 0; idx < count; idx++) {
    const shape = SHAPES[idx % SHAPES.length]!;
    await journal.sql.run(
      "UPDATE rows SET state = ?, http_status = ?, error_code = ? WHERE run_id = ? AND idx = ?",
      [shape.state, shape.http, shape.code, runId, idx],
    );
    if ("suppressed" in shape) {
      await addSuppression(journal, {
        number: number(idx),
        code: 21610,
        reason: "opted out",
        runId,
      });
    }
  }
}

const BY_429: RetryFilter = { states: new Set(), statuses: new Set([429]), codes: new Set() };

async function idxsOf(rows: AsyncIterable<{ idx: number }>): Promise<number[]> {
  const idxs: number[] = [];
  for await (const row of rows) idxs.push(row.idx);
  return idxs;
}

describe("retry's selection, page by page", () => {
  const ROWS = 23;
  const expected = Array.from({ length: ROWS }, (_, idx) => idx).filter(
    (idx) => idx % SHAPES.length === 0 || idx % SHAPES.length === 4,
  );

  it.each([1, 2, 3, 7, 1000])("is the same with pages of %i rows", async (pageSize) => {
    await seed(ROWS);
    const tally = emptyTally();
    const { selection, moved } = await requeueRows(journal.sql, runId, (tx) =>
      selectRetryRows(journal, runId, BY_429, tally, { pageSize, q: tx }),
    );
    expect(moved).toBe(expected.length);
    expect(describeChoice({ ...tally, selected: moved })).toEqual({
      selected: expected.length,
      skippedSuppressed: 3,
      namedPermanent: [],
      leftAlone: {
        // 21211 does not match --status 429: not "left alone", just not asked for.
        permanent: [],
        suppressed: 0,
        inDoubt: 3,
      },
      counts: null,
    });
    expect(await idxsOf(selection.pendingRows(pageSize))).toEqual(expected);
    expect(await selection.counts()).toMatchObject({ pending: expected.length, failed: 0 });
    const skipped = await journal.sql.all<{ idx: number }>(
      "SELECT idx FROM rows WHERE run_id = ? AND state = 'skipped' ORDER BY idx",
      [runId],
    );
    expect(skipped.map((r) => r.idx)).toEqual([6, 13, 20]);
  });

  it("sends only the rows still pending, reading the next page after the last one sent", async () => {
    await seed(ROWS);
    const { selection } = await requeueRows(journal.sql, runId, (tx) =>
      selectRetryRows(journal, runId, BY_429, emptyTally(), { pageSize: 2, q: tx }),
    );
    const sent: number[] = [];
    const mark = (idx: number) =>
      journal.sql.run("UPDATE rows SET state = 'sent' WHERE run_id = ? AND idx = ?", [runId, idx]);
    for await (const row of selection.pendingRows(2)) {
      sent.push(row.idx);
      // As a send does: the row leaves pending; another one further on is settled meanwhile.
      await mark(row.idx);
      if (row.idx === 7) await mark(14);
    }
    expect(sent).toEqual(expected.filter((idx) => idx !== 14));
    expect(await selection.counts()).toMatchObject({ pending: 0, sent: expected.length });
  });

  it("starts afresh for the next retry on the same connection", async () => {
    await seed(ROWS);
    await requeueRows(journal.sql, runId, (tx) =>
      selectRetryRows(journal, runId, BY_429, emptyTally(), { pageSize: 3, q: tx }),
    );
    const byState: RetryFilter = {
      states: new Set(["failed"]),
      statuses: new Set([500]),
      codes: new Set(),
    };
    const { selection, moved } = await requeueRows(journal.sql, runId, (tx) =>
      selectRetryRows(journal, runId, byState, emptyTally(), { pageSize: 3, q: tx }),
    );
    const fives = Array.from({ length: ROWS }, (_, idx) => idx).filter((i) => i % 7 === 5);
    expect(moved).toBe(fives.length);
    expect(await idxsOf(selection.pendingRows())).toEqual(fives);
  });
});
