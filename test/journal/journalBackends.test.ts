import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AttemptRecord } from "../../src/core/attemptRecord.js";
import { AttemptLog } from "../../src/journal/attemptLog.js";
import { claimBatch } from "../../src/journal/claimRows.js";
import { claimRun } from "../../src/journal/claimRun.js";
import { confirmDuplicates } from "../../src/journal/confirmDuplicates.js";
import { shortKey, storedKey } from "../../src/journal/dedupeKeys.js";
import { applyDelivery, rowBySid, rowsAwaitingDelivery } from "../../src/journal/deliveryRows.js";
import { Journal, type NewRow } from "../../src/journal/journal.js";
import { pendingByApi } from "../../src/journal/pendingByApi.js";
import { pendingSegments } from "../../src/journal/pendingSegments.js";
import { reserveRateSlots } from "../../src/journal/rateSlots.js";
import {
  inDoubtElsewhere,
  inDoubtPages,
  inDoubtRecipients,
  inDoubtTo,
  knownSids,
  settlePending,
  settleSent,
} from "../../src/journal/reconcileQueries.js";
import {
  countsByApi,
  errorGroups,
  fieldColumns,
  journalRows,
  skippedCounts,
} from "../../src/journal/reportQueries.js";
import { requeueRows, retryCandidates } from "../../src/journal/retryRows.js";
import { acquireRunLock, lockHolder, lockHolders } from "../../src/journal/runLock.js";
import { FENCED } from "../../src/journal/runLockFence.js";
import { runWorkers } from "../../src/journal/runWorkers.js";
import {
  addSuppressions,
  countSuppressionsByRun,
  listSuppressions,
  removeSuppression,
} from "../../src/journal/suppressionList.js";
import { freshPostgresJournal, noPostgres } from "../support/postgres.js";
import { makeTempDir } from "../support/tempDir.js";

type Backend = "sqlite" | "postgres";

const SENT: AttemptRecord = {
  outcome: "sent",
  httpStatus: 201,
  errorCode: null,
  errorMessage: null,
  sid: "SM0001",
  twilioStatus: "queued",
};

function row(idx: number, over: Partial<NewRow> = {}): NewRow {
  const to = over.to ?? `+1415555${String(1000 + idx)}`;
  return {
    idx,
    line: idx + 2,
    to,
    request: { to, from: "+15005550006", body: `hi ${idx}` },
    fields: { to, name: `n${idx}` },
    dedupeKey: `key-${to}-${idx}`,
    segments: 1,
    state: "pending",
    reason: null,
    ...over,
  };
}

const NEW_RUN = {
  name: null,
  inputPath: "list.csv",
  inputFormat: "csv",
  options: { rate: 5 },
  identity: "identity-1",
};

/**
 * The journal's operations, one suite on both backends: what `send`, `retry`, `reconcile`,
 * `status`, `listen` and `report` ask of it must mean the same on a file and on PostgreSQL.
 */
describe.each<Backend>(["sqlite", "postgres"])("the journal on %s", (backend) => {
  describe.skipIf(backend === "postgres" && noPostgres())("", () => {
    let journal: Journal;
    let removeDir: () => void = () => {};

    beforeEach(async () => {
      if (backend === "postgres") {
        journal = await Journal.open(await freshPostgresJournal());
      } else {
        const dir = makeTempDir();
        removeDir = () => dir.remove();
        journal = await Journal.open(join(dir.path, "journal.db"));
      }
    });
    afterEach(async () => {
      await journal.close();
      removeDir();
    });

    it("prints where it is without a password", async () => {
      if (backend === "postgres") expect(journal.path).toMatch(/^postgres:\/\/[^:@]+@/);
      else expect(journal.path).toMatch(/journal\.db$/);
    });

    it("keeps the request most of a run's rows share once, and reads every row's back whole", async () => {
      const run = await journal.createRun(NEW_RUN);
      const shared = (idx: number) =>
        row(idx, {
          request: { to: row(idx).to, from: "+15005550006", body: "hi" },
          fields: { to: row(idx).to, body: "hi" },
        });
      const own = row(2, { request: { to: row(2).to, from: "+15005550007", body: "hi" } });
      await journal.insertRows(run.id, [
        row(0, { state: "invalid", reason: "bad", request: null }),
        shared(1),
        own,
      ]);
      await journal.insertRows(run.id, [shared(3)]);
      const stored = await journal.sql.all<{ request_json: string | null }>(
        "SELECT request_json FROM rows WHERE run_id = ? ORDER BY idx",
        [run.id],
      );
      expect(stored.map((r) => r.request_json)).toEqual([
        null,
        "",
        '{"to":null,"from":"+15005550007","body":"hi"}',
        "",
      ]);
      const requests = [shared(1).request, own.request, shared(3).request];
      const pending = [];
      for await (const r of journal.rowsInState(run.id, "pending")) pending.push(r.request);
      expect(pending).toEqual(requests);
      const claimed = await claimBatch(journal.sql, run.id, "token", 10);
      expect(claimed.map((r) => JSON.parse(r.request_json))).toEqual([
        { to: null, from: "+15005550006", body: null },
        { to: null, from: "+15005550007", body: "hi" },
        { to: null, from: "+15005550006", body: null },
      ]);
    });

    it("creates, finds and readies a run; counts its rows by state and API", async () => {
      const run = await journal.createRun({ ...NEW_RUN, name: "spring" });
      expect(run).toMatchObject({ name: "spring", phase: "preparing", options: { rate: 5 } });
      await journal.insertRows(run.id, [
        row(0),
        row(1, { api: "lookup" }),
        row(2, { state: "invalid", reason: "bad", request: null }),
        row(3, { state: "skipped", reason: "duplicate of line 2" }),
      ]);
      await journal.markRunReady(run.id, { hash: "h", bytes: 10, identity: "identity-2" });
      const ready = await journal.getRun(run.id);
      expect(ready).toMatchObject({ phase: "ready", totalRows: 4, segments: 2, inputHash: "h" });
      expect((await journal.findRunByName("spring"))?.id).toBe(run.id);
      expect((await journal.findLatestRunByIdentity("identity-2"))?.id).toBe(run.id);
      expect((await journal.findUnfinishedRunOf(["list.csv"]))?.id).toBe(run.id);
      expect((await journal.latestRun())?.id).toBe(run.id);
      expect((await journal.listRuns()).map((r) => r.id)).toEqual([run.id]);
      expect(await journal.counts(run.id)).toMatchObject({
        pending: 2,
        invalid: 1,
        skipped: 1,
        sent: 0,
      });
      expect(await journal.apisOf(run.id)).toEqual(["lookup", "messages"]);
      expect(await pendingByApi(journal, run.id)).toEqual({ lookup: 1, messages: 1 });
      expect(await pendingSegments(journal, run.id)).toEqual([
        { prefix: "+1415555", sample: "+14155551000", rows: 2, segments: 2 },
      ]);
      expect(await countsByApi(journal, run.id)).toMatchObject({
        messages: { pending: 1, invalid: 1, skipped: 1 },
        lookup: { pending: 1 },
      });
      expect(await skippedCounts(journal, run.id)).toEqual({ duplicate: 1 });
      expect(await fieldColumns(journal, run.id)).toEqual(["to", "name"]);
    });

    it("inserts a large pre-flight batch and confirms its duplicates by key", async () => {
      const run = await journal.createRun(NEW_RUN);
      const rows = Array.from({ length: 1234 }, (_, i) => row(i));
      await journal.insertRows(run.id, rows);
      expect((await journal.counts(run.id)).pending).toBe(1234);
      const again = { to: rows[700]!.to, dedupeKey: rows[700]!.dedupeKey };
      await journal.insertRows(run.id, [row(1234, again), row(1235, { dedupeKey: "other" })]);
      const key = (k: string) => storedKey(shortKey(k));
      const candidates = new Map([
        [1234, key(String(again.dedupeKey))],
        [1235, key("other")],
      ]);
      expect(await confirmDuplicates(journal, run.id, candidates)).toEqual([
        { idx: 1234, earlier: 702, api: "messages", segments: 1 },
      ]);
      expect(await journal.counts(run.id)).toMatchObject({ pending: 1235, skipped: 1 });
    });

    it("pages the rows to send, and journals an attempt on both sides of its request", async () => {
      const run = await journal.createRun(NEW_RUN);
      await journal.insertRows(run.id, [row(0), row(1), row(2)]);
      const pending = [];
      for await (const r of journal.rowsInState(run.id, "pending", 2)) pending.push(r.idx);
      expect(pending).toEqual([0, 1, 2]);
      const { attemptId, n } = await journal.beginAttempt(run.id, 1);
      expect(n).toBe(1);
      await expect(journal.beginAttempt(run.id, 9)).rejects.toThrow(/not pending/);
      await journal.finishAttempt(attemptId, SENT);
      await expect(journal.finishAttempt(attemptId, SENT)).rejects.toThrow(/not in flight/);
      expect(await journal.counts(run.id)).toMatchObject({ pending: 2, sent: 1 });
      expect(await rowBySid(journal, "SM0001")).toEqual({
        runId: run.id,
        idx: 1,
        to: "+14155551001",
        sid: "SM0001",
      });
      const rows = [];
      for await (const r of journalRows(journal, run.id)) rows.push(r);
      expect(rows[1]).toMatchObject({ state: "sent", sid: "SM0001", attempts: 1 });
    });

    it("writes a turn's intents together, then its outcomes; one failing fails only its own", async () => {
      const run = await journal.createRun(NEW_RUN);
      await journal.insertRows(run.id, [row(0), row(1), row(2)]);
      const log = new AttemptLog(journal);
      const begun = await Promise.allSettled([
        log.begin({ runId: run.id, idx: 0 }),
        log.begin({ runId: run.id, idx: 7 }),
        log.begin({ runId: run.id, idx: 1 }),
      ]);
      expect(begun.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect(String((begun[1] as PromiseRejectedResult).reason)).toMatch(
        `row 7 of run ${run.id} is not pending`,
      );
      const [first, , second] = begun.map((r) => (r.status === "fulfilled" ? r.value : null));
      expect([first?.n, second?.n]).toEqual([1, 1]);

      const optedOut = { number: row(1).to!, code: 21610, reason: "opted out", runId: run.id };
      const finished = await Promise.allSettled([
        log.finish({ attemptId: first!.attemptId, record: SENT, suppress: [] }),
        log.finish({ attemptId: 999_999, record: SENT, suppress: [] }),
        log.finish({
          attemptId: second!.attemptId,
          record: { ...SENT, outcome: "failed", httpStatus: 400, errorCode: 21610, sid: null },
          suppress: [optedOut],
        }),
      ]);
      expect(finished.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      const rows = [];
      for await (const r of journalRows(journal, run.id)) rows.push(r);
      expect(rows.map((r) => [r.state, r.sid, r.errorCode])).toEqual([
        ["sent", "SM0001", null],
        ["failed", null, 21610],
        ["pending", null, null],
      ]);
      const attempts = await journal.sql.all<{ outcome: string; finished: number }>(
        "SELECT outcome, count(finished_at) AS finished FROM attempts GROUP BY outcome ORDER BY outcome",
      );
      expect(attempts.map((a) => [a.outcome, Number(a.finished)])).toEqual([
        ["failed", 1],
        ["sent", 1],
      ]);
      expect((await listSuppressions(journal)).map((e) => e.number)).toEqual([row(1).to]);
    });

    it("a turn's intents cost PostgreSQL one statement, committed by itself; SQLite one transaction", async () => {
      const run = await journal.createRun(NEW_RUN);
      await journal.insertRows(run.id, [row(0), row(1), row(2)]);
      const seen = { statements: 0, transactions: 0 };
      const counted = new Proxy(journal.sql, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (typeof value !== "function") return value;
          return (...args: unknown[]) => {
            if (key === "transaction") seen.transactions += 1;
            else if (key !== "session" && key !== "close") seen.statements += 1;
            return value.apply(target, args);
          };
        },
      });
      const log = new AttemptLog(new Journal(counted, journal.path));
      await Promise.all([0, 1, 2].map((idx) => log.begin({ runId: run.id, idx })));
      expect(seen).toEqual(
        backend === "postgres"
          ? { statements: 1, transactions: 0 }
          : { statements: 0, transactions: 1 },
      );
    });

    it("recovers a dead process's requests: writes in doubt, reads pending again", async () => {
      const run = await journal.createRun(NEW_RUN);
      await journal.insertRows(run.id, [row(0), row(1, { api: "lookup" })]);
      await journal.beginAttempt(run.id, 0);
      await journal.beginAttempt(run.id, 1);
      expect(await journal.recoverInFlight(run.id, ["lookup"])).toBe(1);
      expect(await journal.counts(run.id)).toMatchObject({ in_doubt: 1, pending: 1 });
      expect(await journal.finishRunIfDone(run.id)).toBe(false);
    });

    it("retries: candidates a page at a time, requeued in one transaction, sent from the selection", async () => {
      const run = await journal.createRun(NEW_RUN);
      await journal.insertRows(run.id, [row(0), row(1), row(2)]);
      await journal.markRunReady(run.id, { hash: "h", bytes: 1, identity: "i" });
      for (const idx of [0, 1, 2]) {
        const { attemptId } = await journal.beginAttempt(run.id, idx);
        await journal.finishAttempt(attemptId, {
          ...SENT,
          outcome: "failed",
          httpStatus: 429,
          errorCode: 20429,
          sid: null,
        });
      }
      expect(await journal.finishRunIfDone(run.id)).toBe(true);
      const candidates = [];
      for await (const c of retryCandidates(journal.sql, run.id, 2)) candidates.push(c.idx);
      expect(candidates).toEqual([0, 1, 2]);
      await journal.sql.session(async (session) => {
        const { selection, moved } = await requeueRows(session, run.id, async function* (tx) {
          for await (const c of retryCandidates(tx, run.id, 2)) {
            if (c.idx !== 1) yield { kind: "retry" as const, idx: c.idx, state: c.state };
          }
        });
        expect(moved).toBe(2);
        const again = [];
        for await (const r of selection.pendingRows(1)) again.push(r.idx);
        expect(again).toEqual([0, 2]);
        expect(await selection.counts()).toMatchObject({ pending: 2 });
      });
      expect((await journal.getRun(run.id))?.phase).toBe("ready");
      expect(await errorGroups(journal, run.id)).toMatchObject([
        { stage: "send", state: "pending", code: 20429, status: 429, count: 2 },
        { stage: "send", state: "failed", code: 20429, status: 429, count: 1 },
      ]);
    });

    it("reconciles: in-doubt rows by page, recipient and run; known sids; settled either way", async () => {
      const other = await journal.createRun({ ...NEW_RUN, identity: "other" });
      await journal.insertRows(other.id, [row(0, { to: "+14155550100" })]);
      await journal.beginAttempt(other.id, 0);
      await journal.recoverInFlight(other.id);
      const run = await journal.createRun(NEW_RUN);
      await journal.insertRows(run.id, [
        row(0, { to: "+14155550100" }),
        row(1, { to: "+14155550100" }),
        row(2),
      ]);
      for (const idx of [0, 1, 2]) await journal.beginAttempt(run.id, idx);
      await journal.recoverInFlight(run.id);
      const pages = [];
      for await (const page of inDoubtPages(journal, run.id, 2)) pages.push(page.map((r) => r.idx));
      expect(pages).toEqual([[0, 1], [2]]);
      expect(await inDoubtRecipients(journal, run.id)).toEqual(["+14155550100", "+14155551002"]);
      const to = await inDoubtTo(journal, run.id, "+14155550100");
      expect(to.map((r) => r.idx)).toEqual([0, 1]);
      expect(to[0]!.lastEndedAt).not.toBeNull();
      const elsewhere = await inDoubtElsewhere(journal, run.id, "+14155550100", "messages");
      expect(elsewhere.map((r) => r.runId)).toEqual([other.id]);
      expect(
        await settleSent(journal, run.id, 0, { sid: "SMa", status: "sent", duplicates: ["SMb"] }),
      ).toBe(true);
      expect([...(await knownSids(journal, "+14155550100"))].sort()).toEqual(["SMa", "SMb"]);
      expect(await settlePending(journal, run.id, 1, "not found")).toBe(true);
      expect(await settlePending(journal, run.id, 1, "not found")).toBe(false);
      expect(await journal.counts(run.id)).toMatchObject({ sent: 1, pending: 1, in_doubt: 1 });
    });

    it("records delivery once, never older over newer, and suppresses on the code", async () => {
      const run = await journal.createRun(NEW_RUN);
      await journal.insertRows(run.id, [row(0), row(1, { api: "lookup" })]);
      const { attemptId } = await journal.beginAttempt(run.id, 0);
      await journal.finishAttempt(attemptId, SENT);
      const waiting = [];
      for await (const r of rowsAwaitingDelivery(journal, run.id, 10, ["messages"]))
        waiting.push(r);
      expect(waiting).toHaveLength(1);
      const delivered = await applyDelivery(journal, waiting[0]!, {
        status: "undelivered",
        errorCode: 30006,
        suppress: { code: 30006, reason: "landline" },
      });
      expect(delivered).toEqual({ recorded: true, suppressed: true });
      const older = await applyDelivery(journal, waiting[0]!, {
        status: "sent",
        errorCode: null,
        suppress: null,
      });
      expect(older.recorded).toBe(false);
      expect(await countSuppressionsByRun(journal, run.id)).toBe(1);
      expect((await journal.suppressionOf("+14155551000"))?.reason).toBe("landline");
      expect(await journal.hasSuppressions()).toBe(true);
      const remaining = [];
      for await (const r of rowsAwaitingDelivery(journal, run.id)) remaining.push(r);
      expect(remaining).toHaveLength(0);
    });

    it("keeps a suppression list: added once, listed, removed", async () => {
      const entry = (number: string) => ({ number, code: null, reason: "by hand", runId: null });
      expect(await addSuppressions(journal, [entry("+14155550001"), entry("+14155550002")])).toBe(
        2,
      );
      expect(await addSuppressions(journal, [entry("+14155550001")])).toBe(0);
      expect((await listSuppressions(journal)).map((s) => s.number)).toEqual([
        "+14155550001",
        "+14155550002",
      ]);
      expect(await removeSuppression(journal, "+14155550001")).toBe(true);
      expect(await removeSuppression(journal, "+14155550001")).toBe(false);
    });

    it("claims a run once: a second claimant is refused while the lock is held, and fenced after a takeover", async () => {
      const claimed = await claimRun(journal, async () => undefined, NEW_RUN, {
        host: "a",
        pid: 1,
        isAlive: () => true,
      });
      expect(claimed.created).toBe(true);
      await expect(
        claimRun(journal, (tx) => journal.getRun(claimed.run.id, tx), NEW_RUN, {
          host: "b",
          pid: 2,
        }),
      ).rejects.toThrow(/is being worked on by process 1/);
      await journal.insertRows(claimed.run.id, [row(0), row(1)]);
      await journal.beginAttempt(claimed.run.id, 0);
      // Another process breaks the lock (its own journal, as on another host).
      // The test cluster needs no password, so the printed URL opens it.
      const other = await Journal.open(journal.path);
      try {
        const taken = await acquireRunLock(other, claimed.run.id, { breakLock: true, host: "b" });
        expect((await lockHolder(journal.sql, claimed.run.id))?.host).toBe("b");
        await expect(journal.beginAttempt(claimed.run.id, 1)).rejects.toThrow(FENCED);
        expect(await claimed.lock.check()).toBe(false);
        await taken.release();
        expect(await lockHolder(journal.sql, claimed.run.id)).toBeUndefined();
      } finally {
        await other.close();
        await claimed.lock.release();
      }
    });

    it("shares a run among workers: disjoint claims, only claimed rows start, a gone worker's rows recovered in one step", async () => {
      const run = await journal.createRun(NEW_RUN);
      await journal.insertRows(run.id, [row(0), row(1), row(2), row(3), row(4), row(5)]);
      await journal.markRunReady(run.id, { hash: "h", bytes: 1, identity: "i" });
      // Two workers as on two hosts: each its own journal connection.
      const other = await Journal.open(journal.path);
      const alive = new Set([1, 2]);
      const on = (pid: number, host: string) => ({
        pid,
        host,
        shared: true,
        isAlive: (p: number) => alive.has(p),
      });
      try {
        const a = await acquireRunLock(journal, run.id, on(1, "h"));
        const b = await acquireRunLock(other, run.id, on(2, "h"));
        // Held alone by nobody: a retry (alone) is refused while the workers hold the run.
        await expect(acquireRunLock(journal, run.id, { pid: 3, host: "h" })).rejects.toThrow(
          /is being worked on by process 1 on host h .* and 1 other process/,
        );
        const mine = await claimBatch(journal.sql, run.id, a.token, 2);
        const theirs = await claimBatch(other.sql, run.id, b.token, 3);
        expect(mine.map((r) => r.idx).sort()).toEqual([0, 1]);
        expect(theirs.map((r) => r.idx).sort()).toEqual([2, 3, 4]);
        // A row another worker claimed is not this one's to start.
        await expect(journal.beginAttempt(run.id, 2)).rejects.toThrow(/not pending/);
        const started = await journal.beginAttempt(run.id, 0);
        await journal.finishAttempt(started.attemptId, SENT);
        await other.beginAttempt(run.id, 2); // in flight when b "dies"
        expect((await runWorkers(journal, run.id)).map((w) => [w.pid, w.rowsDone])).toEqual([
          [1, 1],
          [2, 0],
        ]);

        alive.delete(2);
        expect(await a.sweep()).toBe(1);
        expect((await lockHolders(journal.sql, run.id)).map((h) => h.pid)).toEqual([1]);
        const states = await journal.sql.all<{ idx: number; state: string }>(
          "SELECT idx, state FROM rows WHERE run_id = ? ORDER BY idx",
          [run.id],
        );
        expect(states.map((s) => s.state)).toEqual([
          "sent",
          "pending",
          "in_doubt",
          "pending",
          "pending",
          "pending",
        ]);
        // b's claimed rows are anyone's now; its fenced process can neither start nor record.
        const freed = await claimBatch(journal.sql, run.id, a.token, 10);
        expect(freed.map((r) => r.idx).sort()).toEqual([3, 4, 5]);
        await expect(other.beginAttempt(run.id, 3)).rejects.toThrow(FENCED);
        expect(await b.check()).toBe(false);
        await a.release();
        expect(await lockHolders(journal.sql, run.id)).toEqual([]);
      } finally {
        await other.close();
      }
    });

    it("a worker's outcome after its rows were recovered is refused as fenced", async () => {
      const run = await journal.createRun(NEW_RUN);
      await journal.insertRows(run.id, [row(0)]);
      await journal.markRunReady(run.id, { hash: "h", bytes: 1, identity: "i" });
      const other = await Journal.open(journal.path);
      try {
        const b = await acquireRunLock(other, run.id, { pid: 2, host: "far", shared: true });
        await claimBatch(other.sql, run.id, b.token, 1);
        const { attemptId } = await other.beginAttempt(run.id, 0);
        // Broken by an operator on another host while b's request is in flight.
        const a = await acquireRunLock(journal, run.id, { pid: 1, host: "h", breakLock: true });
        expect(a.recovered).toBe(1);
        await expect(other.finishAttempt(attemptId, SENT)).rejects.toThrow(FENCED);
        expect((await journal.counts(run.id)).in_doubt).toBe(1);
        await a.release();
      } finally {
        await other.close();
      }
    });

    it("deletes a run that sent nothing, and refuses one that did", async () => {
      const run = await journal.createRun(NEW_RUN);
      await journal.insertRows(run.id, [row(0)]);
      await journal.deleteUnsentRun(run.id);
      expect(await journal.getRun(run.id)).toBeUndefined();
      const sent = await journal.createRun(NEW_RUN);
      await journal.insertRows(sent.id, [row(0)]);
      await journal.beginAttempt(sent.id, 0);
      await expect(journal.deleteUnsentRun(sent.id)).rejects.toThrow(/has attempts/);
    });

    it("reserves an account's start slots in one row: back to back, no credit when new, burst − 1 after idle", async () => {
      const slots = { intervalMs: 10, burst: 5, count: 3 };
      const first = await reserveRateSlots(journal.sql, "AC1", slots);
      // A new row gives no credit: the first slot is now, on the row keeper's clock.
      expect(Math.abs(first.firstSlotMs - first.nowMs)).toBeLessThan(1);
      const second = await reserveRateSlots(journal.sql, "AC1", slots);
      expect(second.firstSlotMs).toBeCloseTo(first.firstSlotMs + 30, 6);
      const other = await reserveRateSlots(journal.sql, "AC2", slots);
      expect(Math.abs(other.firstSlotMs - other.nowMs)).toBeLessThan(1);
      await new Promise((resolve) => setTimeout(resolve, 120));
      // Idle longer than the burst: up to burst − 1 slots before now, never more.
      const idle = await reserveRateSlots(journal.sql, "AC1", slots);
      expect(idle.firstSlotMs).toBeCloseTo(idle.nowMs - 40, 0);
    });
  });
});
