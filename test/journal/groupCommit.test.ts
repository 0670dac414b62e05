import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/journal/groupCommit.js";
import { openDatabase } from "../../src/journal/openDatabase.js";
import type { SqlQueries } from "../../src/journal/sql/sqlClient.js";
import { SqliteClient } from "../../src/journal/sql/sqliteClient.js";
import { makeTempDir } from "../support/tempDir.js";

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => dir.remove());

function setup() {
  const path = join(dir.path, "j.db");
  const db = openDatabase(path);
  db.exec("CREATE TABLE t (x INTEGER PRIMARY KEY)");
  const reader = new Database(path, { readonly: true });
  const seen = () =>
    (reader.prepare("SELECT x FROM t ORDER BY x").all() as { x: number }[]).map((r) => r.x);
  return { db, reader, seen };
}

describe("GroupCommit", () => {
  it("resolves a write only once another connection can see it", async () => {
    const { db, reader, seen } = setup();
    const commits = new GroupCommit(new SqliteClient(db));
    const written = commits.write(async (tx) => (await tx.run("INSERT INTO t VALUES (1)")).changes);
    expect(seen()).toEqual([]);
    await expect(written).resolves.toBe(1);
    expect(seen()).toEqual([1]);
    reader.close();
    db.close();
  });

  it("commits the writes of one turn together, in order, each failing alone", async () => {
    const { db, reader, seen } = setup();
    const commits = new GroupCommit(new SqliteClient(db));
    const insert = (x: number) => async (tx: SqlQueries) =>
      (await tx.run("INSERT INTO t VALUES (?)", [x])).changes;
    const results = await Promise.allSettled([
      commits.write(insert(1)),
      commits.write(insert(1)),
      commits.write(insert(2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(seen()).toEqual([1, 2]);
    reader.close();
    db.close();
  });
});
