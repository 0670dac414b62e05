import { statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveJournalPath } from "../../src/journal/defaultJournalPath.js";
import { Journal, type NewRow } from "../../src/journal/journal.js";
import { SCHEMA_VERSION } from "../../src/journal/schema.js";
import { newTestRun } from "../support/journalRows.js";
import { makeTempDir } from "../support/tempDir.js";

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => dir.remove());

const row = (idx: number, extra: Partial<NewRow> = {}): NewRow => ({
  idx,
  line: idx + 2,
  to: `+1415555${String(1000 + idx)}`,
  request: { to: `+1415555${String(1000 + idx)}`, from: "+15005550006", body: "hi" },
  fields: { to: "x" },
  dedupeKey: `k${idx}`,
  segments: 1,
  state: "pending",
  reason: null,
  ...extra,
});

describe("opening a journal", () => {
  it("uses WAL with synchronous=FULL, a busy timeout and foreign keys, on every open", async () => {
    const path = join(dir.path, "j.db");
    for (let i = 0; i < 2; i++) {
      const journal = await Journal.open(path);
      expect(journal.db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(journal.db.pragma("synchronous", { simple: true })).toBe(2);
      expect(journal.db.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(journal.db.pragma("busy_timeout", { simple: true })).toBeGreaterThanOrEqual(5000);
      expect(journal.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      await journal.close();
    }
  });

  it("creates the file and its -wal and -shm companions readable by the owner only", async () => {
    const path = join(dir.path, "nested", "state", "j.db");
    const journal = await Journal.open(path);
    await newTestRun(journal);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      expect((statSync(file).mode & 0o777).toString(8)).toBe("600");
    }
    expect((statSync(join(dir.path, "nested", "state")).mode & 0o777).toString(8)).toBe("700");
    await journal.close();
  });

  it("refuses a journal written by a newer schema", async () => {
    const path = join(dir.path, "j.db");
    await (await Journal.open(path)).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    await expect(Journal.open(path)).rejects.toThrow(/schema version/);
  });

  it.each([
    ["/x/flag.db", {}, "/x/flag.db"],
    [undefined, { TWILIO_BULK_JOURNAL: "/env/j.db" }, "/env/j.db"],
    [undefined, { XDG_STATE_HOME: "/state", HOME: "/home/u" }, "/state/twilio-bulk/journal.db"],
    [undefined, { HOME: "/home/u" }, "/home/u/.local/state/twilio-bulk/journal.db"],
    ["rel.db", {}, "/cwd/rel.db"],
  ])("journal path from flag %s and env %j is %s", (flag, env, expected) => {
    expect(resolveJournalPath(flag, env, "/cwd")).toBe(expected);
  });
});

describe("the attempt protocol", () => {
  it("commits the attempt as in flight before the call, and the outcome after", async () => {
    const path = join(dir.path, "j.db");
    const journal = await Journal.open(path);
    const runId = await newTestRun(journal);
    await journal.insertRows(runId, [row(0), row(1)]);
    const { attemptId, n } = await journal.beginAttempt(runId, 0);
    expect(n).toBe(1);
    // A second connection (another process) sees the in-flight attempt already committed.
    const other = new Database(path, { readonly: true });
    expect(other.prepare("SELECT outcome FROM attempts WHERE id = ?").get(attemptId)).toEqual({
      outcome: "in_flight",
    });
    await journal.finishAttempt(attemptId, {
      outcome: "sent",
      httpStatus: 201,
      errorCode: null,
      errorMessage: null,
      sid: "SM1",
      twilioStatus: "queued",
    });
    expect(other.prepare("SELECT state, sid FROM rows WHERE idx = 0").get()).toEqual({
      state: "sent",
      sid: "SM1",
    });
    other.close();
    expect(await journal.counts(runId)).toMatchObject({ sent: 1, pending: 1 });
    await journal.close();
  });

  it("keeps a retried row pending and counts its attempts", async () => {
    const journal = await Journal.open(join(dir.path, "j.db"));
    const runId = await newTestRun(journal);
    await journal.insertRows(runId, [row(0)]);
    const first = await journal.beginAttempt(runId, 0);
    await journal.finishAttempt(first.attemptId, {
      outcome: "retry",
      httpStatus: 429,
      errorCode: 20429,
      errorMessage: "Too Many Requests",
      sid: null,
      twilioStatus: null,
    });
    expect((await await journal.counts(runId)).pending).toBe(1);
    expect((await await journal.beginAttempt(runId, 0)).n).toBe(2);
    await journal.close();
  });

  it("turns attempts left in flight by a dead process into in_doubt rows, never pending", async () => {
    const path = join(dir.path, "j.db");
    const journal = await Journal.open(path);
    const runId = await newTestRun(journal);
    await journal.insertRows(runId, [row(0), row(1), row(2)]);
    await journal.beginAttempt(runId, 0);
    await journal.beginAttempt(runId, 2);
    await journal.close();

    const reopened = await Journal.open(path);
    expect(await reopened.recoverInFlight(runId)).toBe(2);
    expect(await reopened.counts(runId)).toMatchObject({ in_doubt: 2, pending: 1 });
    await expect(reopened.beginAttempt(runId, 0)).rejects.toThrow(/not pending/);
    await reopened.close();
  });

  it("puts a read-only API's attempt left in flight back to pending: it changed nothing", async () => {
    const path = join(dir.path, "j.db");
    const journal = await Journal.open(path);
    const runId = await newTestRun(journal);
    const lookup: NewRow = {
      ...row(1),
      api: "lookup",
      request: { phoneNumber: "+14155551001", fields: "line_type_intelligence" },
    };
    await journal.insertRows(runId, [row(0), lookup]);
    await journal.beginAttempt(runId, 0);
    await journal.beginAttempt(runId, 1);
    await journal.close();

    const reopened = await Journal.open(path);
    expect(await reopened.recoverInFlight(runId, ["lookup"])).toBe(1);
    expect(await reopened.counts(runId)).toMatchObject({ in_doubt: 1, pending: 1 });
    const attempts = reopened.db
      .prepare("SELECT row_idx, outcome FROM attempts WHERE run_id = ? ORDER BY row_idx")
      .all(runId);
    expect(attempts).toEqual([
      { row_idx: 0, outcome: "in_doubt" },
      { row_idx: 1, outcome: "retry" },
    ]);
    // Asked again as its next attempt.
    expect((await reopened.beginAttempt(runId, 1)).n).toBe(2);
    await reopened.close();
  });

  it("pages pending rows in file order while rows are written between pages", async () => {
    const journal = await Journal.open(join(dir.path, "j.db"));
    const runId = await newTestRun(journal);
    await journal.insertRows(
      runId,
      Array.from({ length: 25 }, (_, i) => row(i)),
    );
    await journal.markRunReady(runId, { hash: "h", bytes: 1, identity: "id" });
    const seen: number[] = [];
    for await (const r of journal.rowsInState(runId, "pending", 10)) {
      seen.push(r.idx);
      const { attemptId } = await journal.beginAttempt(runId, r.idx);
      await journal.finishAttempt(attemptId, {
        outcome: "sent",
        httpStatus: 201,
        errorCode: null,
        errorMessage: null,
        sid: `SM${r.idx}`,
        twilioStatus: "queued",
      });
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(await journal.finishRunIfDone(runId)).toBe(true);
    expect((await await journal.getRun(runId))?.phase).toBe("finished");
    await journal.close();
  });
});
