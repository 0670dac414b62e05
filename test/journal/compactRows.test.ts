import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MessageRequest } from "../../src/core/messageRequest.js";
import { confirmDuplicates } from "../../src/journal/confirmDuplicates.js";
import { shortKey, storedKey } from "../../src/journal/dedupeKeys.js";
import { Journal, type NewRow } from "../../src/journal/journal.js";
import { packRequest, unpackRequest } from "../../src/journal/requestColumn.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/journal/schema.js";
import { newTestRun } from "../support/journalRows.js";
import { makeTempDir } from "../support/tempDir.js";

// How rows are stored since the journal stopped keeping each number, body and dedupe key twice,
// and that journals written before read back the same.

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => dir.remove());

const TO = "+14155551000";

describe("request_json", () => {
  it.each<[string, MessageRequest, Record<string, string | string[]>, string]>([
    [
      "body and from as the input wrote them",
      { to: TO, from: "+15005550006", body: "hi" },
      { to: TO, from: "+15005550006", body: "hi" },
      '{"to":null,"from":null,"body":null}',
    ],
    [
      "a --from and a rendered body",
      { to: TO, from: "+15005550006", body: "Hi Ada" },
      { to: TO, name: "Ada" },
      '{"to":null,"from":"+15005550006","body":"Hi Ada"}',
    ],
    [
      "a From normalised from what was written",
      { to: TO, from: "+15005550006", body: "hi" },
      { to: TO, from: "+1 500 555 0006", body: "hi" },
      '{"to":null,"from":"+15005550006","body":null}',
    ],
    [
      "a service, a callback, media and options",
      {
        to: TO,
        messagingServiceSid: `MG${"a".repeat(32)}`,
        mediaUrl: ["https://a.example/1.png"],
        statusCallback: "https://cb.example/s",
        sendAt: "2030-01-01T00:00:00.000Z",
        scheduleType: "fixed",
        validityPeriod: 60,
      },
      {
        to: TO,
        messaging_service_sid: `MG${"a".repeat(32)}`,
        media_url: "https://a.example/1.png",
        status_callback: "https://cb.example/s",
      },
      '{"to":null,"messagingServiceSid":null,"mediaUrl":["https://a.example/1.png"],"statusCallback":null,"sendAt":"2030-01-01T00:00:00.000Z","scheduleType":"fixed","validityPeriod":60}',
    ],
  ])("keeps only what the row's columns do not hold: %s", (_, request, fields, stored) => {
    const packed = packRequest(request, TO, fields);
    expect(packed).toBe(stored);
    expect(unpackRequest(packed, TO, JSON.stringify(fields))).toEqual(request);
  });

  it("adds no `to` to a request that had none (Lookup's)", () => {
    const request = { phoneNumber: TO, fields: "line_type_intelligence" };
    const packed = packRequest(request, TO, { to: TO });
    expect(packed).toBe('{"phoneNumber":"+14155551000","fields":"line_type_intelligence"}');
    expect(unpackRequest(packed, TO, JSON.stringify({ to: TO }))).toEqual(request);
  });

  it("keeps `to` when it is not the row's number", () => {
    const packed = packRequest({ to: TO, body: "hi" }, "+14155559999", {});
    expect(unpackRequest(packed, "+14155559999", "{}")).toEqual({ to: TO, body: "hi" });
  });

  it("reads a whole request, as journals written before hold it, unchanged", () => {
    const request = { to: TO, from: "+15005550006", body: "hi" };
    expect(unpackRequest(JSON.stringify(request), TO, JSON.stringify({ body: "other" }))).toEqual(
      request,
    );
  });
});

const row = (idx: number, dedupeKey: string | null): NewRow => ({
  idx,
  line: idx + 2,
  to: TO,
  request: { to: TO, from: "+15005550006", body: "hi" },
  fields: { to: TO, body: "hi" },
  dedupeKey,
  segments: 1,
  state: "pending",
  reason: null,
});

describe("dedupe keys", () => {
  it("are kept as 16 bytes; a candidate is the duplicate of its run's first row with its key", async () => {
    const journal = await Journal.open(join(dir.path, "j.db"));
    const runId = await newTestRun(journal);
    const other = await newTestRun(journal);
    const hex = (c: string) => c.repeat(64);
    await journal.insertRows(runId, [row(0, hex("a")), row(1, "k"), row(2, null)]);
    await journal.insertRows(runId, [row(3, "k"), row(4, hex("a")), row(5, hex("b"))]);
    await journal.insertRows(other, [row(0, "k"), row(1, "k")]);
    const candidates = (...keys: [number, string][]) =>
      new Map(keys.map(([idx, key]) => [idx, storedKey(shortKey(key))]));
    expect(
      await confirmDuplicates(
        journal,
        runId,
        candidates([1, "k"], [3, "k"], [4, hex("a")], [5, hex("b")]),
      ),
    ).toEqual([
      { idx: 3, earlier: 3, api: "messages", segments: 1 },
      { idx: 4, earlier: 2, api: "messages", segments: 1 },
    ]);
    expect(await confirmDuplicates(journal, other, candidates([1, "k"]))).toEqual([
      { idx: 1, earlier: 2, api: "messages", segments: 1 },
    ]);
    const rows = journal.db
      .prepare("SELECT idx, state, reason FROM rows WHERE run_id = ? ORDER BY idx")
      .all(runId);
    expect(rows).toEqual([
      { idx: 0, state: "pending", reason: null },
      { idx: 1, state: "pending", reason: null },
      { idx: 2, state: "pending", reason: null },
      { idx: 3, state: "skipped", reason: "duplicate of line 3" },
      { idx: 4, state: "skipped", reason: "duplicate of line 2" },
      { idx: 5, state: "pending", reason: null },
    ]);
    const stored = journal.db
      .prepare("SELECT dedupe_key FROM rows WHERE run_id = ? ORDER BY idx")
      .pluck()
      .all(runId);
    expect(stored.slice(0, 4)).toEqual([
      Buffer.from("a".repeat(32), "hex"),
      expect.any(Buffer),
      null,
      expect.any(Buffer),
    ]);
    expect((stored[1] as Buffer).length).toBe(16);
    await journal.close();
  });
});

describe("a journal written by schema version 1", () => {
  it("is migrated in place and sends, reconciles and reports its rows as before", async () => {
    const path = join(dir.path, "old.db");
    const old = new Database(path);
    old.pragma("journal_mode = WAL");
    old.exec(MIGRATIONS[0]!);
    old.pragma("user_version = 1");
    old
      .prepare(
        `INSERT INTO runs (id, input_path, input_format, options_json, identity, phase, created_at, updated_at)
         VALUES (1, 'list.csv', 'csv', '{}', 'id', 'ready', 0, 0)`,
      )
      .run();
    const request = { to: TO, from: "+15005550006", body: "hi" };
    old
      .prepare(
        `INSERT INTO rows (run_id, idx, line, to_number, request_json, fields_json, dedupe_key, state, updated_at)
         VALUES (1, 0, 2, ?, ?, ?, ?, 'pending', 0)`,
      )
      .run(TO, JSON.stringify(request), JSON.stringify({ to: TO }), "f".repeat(64));
    old.close();

    const journal = await Journal.open(path);
    expect(journal.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const indexes = journal.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rows'")
      .pluck()
      .all();
    expect(indexes).not.toContain("rows_dedupe");
    const pending = [];
    for await (const r of journal.rowsInState(1, "pending")) pending.push(r.request);
    expect(pending).toEqual([request]);
    await journal.close();
  });
});
