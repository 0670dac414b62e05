import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { confirmDuplicates } from "../../src/journal/confirmDuplicates.js";
import { shortKey, storedKey } from "../../src/journal/dedupeKeys.js";
import {
  applyDelivery,
  recordDelivery,
  rowBySid,
  rowsAwaitingDelivery,
} from "../../src/journal/deliveryRows.js";
import { Journal } from "../../src/journal/journal.js";
import {
  inDoubtElsewhere,
  inDoubtPages,
  inDoubtRecipients,
  inDoubtTo,
  knownSids,
  settlePending,
  settleSent,
} from "../../src/journal/reconcileQueries.js";
import { type RequeueAction, requeueRows, retryCandidates } from "../../src/journal/retryRows.js";
import { newTestRun, pendingRow } from "../support/journalRows.js";
import { makeTempDir } from "../support/tempDir.js";

// The statements reconcile, status and retry run once per row or per recipient must find their
// rows through an index, not by reading every row (or attempt) of the run: a run has a million
// rows. Paged reads may walk the run once, from where the last page ended (idx>?).

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => dir.remove());

const TO = "+14155551000";

const row = (idx: number) => pendingRow(idx, TO);

/** Runs `use` on a journal with one small run, and returns the plan of every statement it prepared. */
async function plansOf(use: (journal: Journal, runId: number) => Promise<void> | void) {
  const journal = await Journal.open(join(dir.path, "journal.db"));
  try {
    const runId = await newTestRun(journal);
    await journal.insertRows(runId, [row(0), row(1), row(2)]);
    const sources: string[] = [];
    const prepare = journal.db.prepare.bind(journal.db);
    journal.db.prepare = ((sql: string) => {
      sources.push(sql);
      return prepare(sql);
    }) as typeof journal.db.prepare;
    await use(journal, runId);
    journal.db.prepare = prepare;
    return sources.map((sql) => {
      const params = Array.from(sql.matchAll(/\?/g), () => null);
      const plan = journal.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {
        detail: string;
      }[];
      return { sql, plan: plan.map((p) => p.detail) };
    });
  } finally {
    await journal.close();
  }
}

/** Plan lines that read a whole table, or all of a run's rows or attempts. */
function wholeRunReads(plans: { sql: string; plan: string[] }[]) {
  return plans.flatMap(({ sql, plan }) =>
    plan
      .filter((line) => /^SCAN (rows|attempts|r|a)\b/.test(line) || /\(run_id=\?\)$/.test(line))
      .map((line) => ({ line, sql })),
  );
}

async function drain(rows: AsyncIterable<unknown> | Iterable<unknown>) {
  for await (const _ of rows);
}

describe("query plans", () => {
  it("reconcile's queries use an index per recipient (in every run) and per row", async () => {
    const plans = await plansOf(async (journal, runId) => {
      await drain(inDoubtPages(journal, runId));
      await knownSids(journal, TO);
      await inDoubtElsewhere(journal, runId + 1, TO, "messages");
      await inDoubtRecipients(journal, runId, "messages");
      await inDoubtTo(journal, runId, TO, "messages");
      await settleSent(journal, runId, 0, { sid: "SM1", status: "sent", duplicates: [] });
      await settlePending(journal, runId, 1, "not found");
    });
    expect(plans.length).toBeGreaterThanOrEqual(4);
    expect(wholeRunReads(plans)).toEqual([]);
    const known = plans.find((p) => p.sql.includes("duplicate_sids FROM runs"));
    expect(known?.plan.join("\n")).toMatch(/rows_to \(run_id=\? AND to_number=\?\)/);
    expect(known?.plan.join("\n")).toMatch(/attempts_row \(run_id=\? AND row_idx=\?\)/);
    const elsewhere = plans.find((p) => p.sql.includes("u.id <> ?"));
    expect(elsewhere?.plan.join("\n")).toMatch(/rows_to \(run_id=\? AND to_number=\?\)/);
    const to = plans.find((p) => p.sql.includes("r.run_id = ? AND r.to_number = ?"));
    expect(to?.plan.join("\n")).toMatch(/rows_to \(run_id=\? AND to_number=\?\)/);
  });

  it("the pre-flight confirms its duplicates in one pass, up to its last candidate", async () => {
    const plans = await plansOf(async (journal, runId) => {
      await journal.insertRows(runId, [{ ...row(3), dedupeKey: "k1" }]);
      const candidates = new Map([[3, storedKey(shortKey("k1"))]]);
      expect(await confirmDuplicates(journal, runId, candidates)).toMatchObject([
        { idx: 3, earlier: 3 },
      ]);
    });
    expect(wholeRunReads(plans)).toEqual([]);
    const pass = plans.find((p) => p.sql.includes("dedupe_key IN"));
    expect(pass?.plan.join("\n")).toMatch(/PRIMARY KEY \(run_id=\? AND idx>\? AND idx<\?\)/);
    const skip = plans.find((p) => p.sql.startsWith("UPDATE rows SET state = 'skipped'"));
    expect(skip?.plan.join("\n")).toMatch(/PRIMARY KEY \(run_id=\? AND idx=\?\)/);
  });

  it("status's and retry's queries use an index per row", async () => {
    const plans = await plansOf(async (journal, runId) => {
      await drain(rowsAwaitingDelivery(journal, runId));
      await recordDelivery(
        journal,
        { runId, idx: 0, to: TO, sid: "SM1" },
        { status: "delivered", errorCode: null, suppress: null },
      );
      await drain(retryCandidates(journal.sql, runId));
      const actions: RequeueAction[] = [
        { kind: "skip", idx: 2, reason: "suppressed" },
        { kind: "retry", idx: 0, state: "failed" },
        { kind: "retry", idx: 1, state: "sent" },
        { kind: "retry", idx: 2, state: "pending" },
      ];
      const { selection } = await requeueRows(journal.sql, runId, async function* () {
        yield* actions;
      });
      await drain(selection.pendingRows());
      await selection.counts();
    });
    expect(plans.length).toBeGreaterThanOrEqual(8);
    expect(wholeRunReads(plans)).toEqual([]);
  });

  it("listen's queries find a callback's row by its sid through an index", async () => {
    const plans = await plansOf(async (journal, runId) => {
      await rowBySid(journal, "SM1");
      await applyDelivery(
        journal,
        { runId, idx: 0, to: TO, sid: "SM1" },
        { status: "sent", errorCode: null, suppress: null },
      );
    });
    expect(wholeRunReads(plans)).toEqual([]);
    const bySid = plans.find((p) => p.sql.includes("WHERE sid = ?"));
    expect(bySid?.plan.join("\n")).toMatch(/rows_sid \(sid=\?\)/);
  });
});
