import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/journal/groupCommit.js";
import { openDatabase } from "../../src/journal/openDatabase.js";
import type { SqlClient, SqlQueries } from "../../src/journal/sql/sqlClient.js";
import { SQLITE_DIALECT, SqliteClient } from "../../src/journal/sql/sqliteClient.js";
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

/**
 * A client that records the statements run and keeps each transaction open until `release`:
 * enough to see how many commit at once and what a batch costs in statements.
 */
function recordingClient() {
  const statements: string[] = [];
  const waiting: (() => void)[] = [];
  let open = 0;
  let mostOpen = 0;
  const tx: SqlQueries = {
    dialect: SQLITE_DIALECT,
    all: async () => [],
    get: async () => undefined,
    run: async (sql) => {
      statements.push(sql);
      return { changes: 1 };
    },
    runMany: async () => {},
  };
  const client: SqlClient = {
    ...tx,
    async transaction(fn) {
      open += 1;
      mostOpen = Math.max(mostOpen, open);
      try {
        const result = await fn(tx);
        await new Promise<void>((resolve) => waiting.push(resolve));
        return result;
      } finally {
        open -= 1;
      }
    },
    session: (fn) => fn(client),
    close: async () => {},
  };
  const releaseAll = async () => {
    while (waiting.length > 0 || open > 0) {
      for (const resolve of waiting.splice(0)) resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { client, statements, mostOpen: () => mostOpen, releaseAll };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("GroupCommit on a recording client", () => {
  it("runs a batch that succeeds without savepoints", async () => {
    const { client, statements, releaseAll } = recordingClient();
    const commits = new GroupCommit(client);
    const written = Promise.all([1, 2, 3].map((x) => commits.write((tx) => tx.run(`W${x}`))));
    await turn();
    await releaseAll();
    await written;
    expect(statements).toEqual(["W1", "W2", "W3"]);
  });

  it("runs a batch again with savepoints when one write fails; a batch of one just fails", async () => {
    const { client, statements, releaseAll } = recordingClient();
    const commits = new GroupCommit(client);
    const fail = async (tx: SqlQueries) => {
      await tx.run("BAD");
      throw new Error("not pending");
    };
    const results = Promise.allSettled([
      commits.write((tx) => tx.run("W1")),
      commits.write(fail),
      commits.write((tx) => tx.run("W3")),
    ]);
    await turn();
    await releaseAll();
    expect((await results).map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(statements.filter((sql) => sql.startsWith("SAVEPOINT"))).toHaveLength(3);
    statements.length = 0;
    const alone = expect(commits.write(fail)).rejects.toThrow("not pending");
    await turn();
    await releaseAll();
    await alone;
    expect(statements).toEqual(["BAD"]);
  });

  it("commits one batch at a time unless told more may be in flight", async () => {
    for (const inFlight of [1, 2]) {
      const { client, mostOpen, releaseAll } = recordingClient();
      const commits = new GroupCommit(client, { inFlight });
      const written: Promise<unknown>[] = [];
      for (let batch = 0; batch < 3; batch++) {
        written.push(commits.write((tx) => tx.run(`B${batch}`)));
        await turn();
      }
      await releaseAll();
      await Promise.all(written);
      expect(mostOpen()).toBe(inFlight);
    }
  });
});
