import { describe, expect, it } from "vitest";
import type { InputRecord } from "../../src/input/openInput.js";
import type { Journal } from "../../src/journal/journal.js";
import { preflight } from "../../src/pipeline/preflight.js";
import { newTestRun } from "../support/journalRows.js";
import { useTempJournal } from "../support/tempJournal.js";

// Duplicates batches apart: the rows the pre-flight's filter cannot clear are settled at the end,
// and the listing of rejected rows keeps the file's order all the same.

let journal: Journal;
useTempJournal((opened) => {
  journal = opened;
});

const DEFAULTS = {
  api: "messages",
  options: {},
  from: "+15005550006",
  toColumn: "to",
  now: new Date(0),
};

async function* records(numbers: string[]): AsyncGenerator<InputRecord> {
  for (const [i, to] of numbers.entries()) yield { line: i + 2, fields: { to, body: "hi" } };
}

async function run(numbers: string[], allowDuplicates = false) {
  const runId = await newTestRun(journal);
  const rejected: string[] = [];
  const plan = await preflight(journal, runId, records(numbers), {
    defaults: DEFAULTS,
    allowDuplicates,
    batchSize: 3,
    onRejected: (row) => {
      rejected.push(`${row.line} ${row.state}: ${row.reason}`);
    },
  });
  const rows = journal.db
    .prepare("SELECT line, state, reason FROM rows WHERE run_id = ? ORDER BY idx")
    .all(runId)
    .map((r) => Object.values(r as object).join(" "));
  return { plan, rejected, rows };
}

const LIST = [
  "+12025550100", // line 2
  "+12025550101",
  "bad", // line 4
  "+12025550102",
  "+12025550100", // line 6: line 2's, a batch later
  "worse", // line 7: told after line 6 is settled
  "+12025550100", // line 8: line 2's too, in line 6's batch
  "+12025550101", // line 9: line 3's, two batches later
  "+12025550103",
];

describe("the pre-flight", () => {
  it("skips a row whose key a row batches before it had, as the duplicate of the first", async () => {
    const { plan, rows } = await run(LIST);
    expect(plan).toEqual({
      rows: 9,
      valid: 4,
      invalid: 2,
      skipped: 3,
      duplicates: 3,
      suppressed: 0,
      segments: 4,
      byApi: { messages: 4 },
    });
    expect(rows).toEqual([
      "2 pending ",
      "3 pending ",
      "4 invalid to: `bad` is not a phone number",
      "5 pending ",
      "6 skipped duplicate of line 2",
      "7 invalid to: `worse` is not a phone number",
      "8 skipped duplicate of line 2",
      "9 skipped duplicate of line 3",
      "10 pending ",
    ]);
  });

  it("tells the rejected rows in the file's order", async () => {
    const { rejected } = await run(LIST);
    expect(rejected).toEqual([
      "4 invalid: to: `bad` is not a phone number",
      "6 skipped: duplicate of line 2",
      "7 invalid: to: `worse` is not a phone number",
      "8 skipped: duplicate of line 2",
      "9 skipped: duplicate of line 3",
    ]);
  });

  it("keeps every row with --allow-duplicates", async () => {
    const { plan, rejected } = await run(LIST, true);
    expect(plan).toMatchObject({ valid: 7, skipped: 0, duplicates: 0 });
    expect(rejected).toHaveLength(2);
  });
});
