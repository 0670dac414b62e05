import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/journal.js";
import { MIGRATIONS } from "../../src/journal/schema.js";
import { makeTempDir } from "../support/tempDir.js";

// A journal written before rows had an API: every row is a Messages row, and keeps working.

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.remove());

describe("the api and result_json migration", () => {
  it("makes an older journal's rows Messages rows, with no kept answer", async () => {
    const path = `${temp.path}/old.db`;
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0]!);
    raw.pragma("user_version = 1");
    raw
      .prepare(
        `INSERT INTO runs (name, input_path, input_format, options_json, identity, phase, created_at, updated_at)
         VALUES ('old', 'list.csv', 'csv', '{}', 'x', 'ready', 0, 0)`,
      )
      .run();
    raw
      .prepare(
        `INSERT INTO rows (run_id, idx, line, to_number, request_json, fields_json, state, updated_at)
         VALUES (1, 0, 2, '+12025550101', '{"to":"+12025550101","body":"hi"}', '{}', 'pending', 0)`,
      )
      .run();
    raw.close();

    const journal = await Journal.open(path);
    try {
      const rows = [];
      for await (const row of journal.rowsInState(1, "pending")) rows.push(row);
      expect(rows).toMatchObject([
        { api: "messages", to: "+12025550101", request: { body: "hi" } },
      ]);
      expect(await journal.apisOf(1)).toEqual(["messages"]);
      expect(journal.db.prepare("SELECT result_json FROM rows").get()).toEqual({
        result_json: null,
      });
    } finally {
      await journal.close();
    }
  });
});
