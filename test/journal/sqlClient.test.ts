import { type AddressInfo, createServer, type Socket } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliError, ExitCode, UsageError } from "../../src/errors.js";
import { cannotReachPostgres } from "../../src/journal/cannotReachPostgres.js";
import { migratePostgres } from "../../src/journal/migratePostgres.js";
import { openPostgres } from "../../src/journal/openPostgres.js";
import { PG_SCHEMA_VERSION } from "../../src/journal/pgSchema.js";
import { parsePostgresUrl } from "../../src/journal/postgresUrl.js";
import { PgClient } from "../../src/journal/sql/pgClient.js";
import type { SqlClient } from "../../src/journal/sql/sqlClient.js";
import { SqliteClient } from "../../src/journal/sql/sqliteClient.js";
import { databaseUrl, freshPostgresJournal, noPostgres } from "../support/postgres.js";
import { makeTempDir } from "../support/tempDir.js";

type Backend = "sqlite" | "postgres";

const TABLES = `
  CREATE TABLE items (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    qty   BIGINT NOT NULL DEFAULT 0,
    meta  TEXT
  )`;

interface Opened {
  sql: SqlClient;
  /** The PostgreSQL journal's URL; "" on SQLite. */
  url: string;
  close(): Promise<void>;
}

async function openBackend(backend: Backend): Promise<Opened> {
  if (backend === "postgres") {
    const url = await freshPostgresJournal();
    const sql = PgClient.connect(url);
    return { sql, url, close: () => sql.close() };
  }
  const dir = makeTempDir();
  const db = new Database(join(dir.path, "j.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  const sql = new SqliteClient(db);
  return {
    sql,
    url: "",
    close: async () => {
      await sql.close();
      dir.remove();
    },
  };
}

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each<Backend>(["sqlite", "postgres"])("SqlClient on %s", (backend) => {
  describe.skipIf(backend === "postgres" && noPostgres())("", () => {
    let sql: SqlClient;
    let url: string;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ sql, url, close } = await openBackend(backend));
      await sql.run(TABLES);
      await sql.runMany("INSERT INTO items (id, name, qty) VALUES (?, ?, ?)", [
        [1, "a", 10],
        [2, "b", 20],
        [3, "c", 30],
      ]);
    });
    afterEach(() => close());

    it("binds ? in order, leaving a ? inside quoted text and identifiers alone", async () => {
      await sql.run("INSERT INTO items (id, name, qty) VALUES (?, 'why?', ?)", [4, 5]);
      const row = await sql.get<Record<string, unknown>>(
        `SELECT name AS "what?", qty, '?' AS mark FROM items WHERE id = ? AND qty = ?`,
        [4, 5],
      );
      expect(row).toEqual({ "what?": "why?", qty: 5, mark: "?" });
    });

    it("reads all rows, one row or none, and counts the rows a write changed", async () => {
      expect(await sql.all("SELECT id, name FROM items WHERE qty >= ? ORDER BY id", [20])).toEqual([
        { id: 2, name: "b" },
        { id: 3, name: "c" },
      ]);
      expect(await sql.get("SELECT id FROM items WHERE id = ?", [3])).toEqual({ id: 3 });
      expect(await sql.get("SELECT id FROM items WHERE id = ?", [99])).toBeUndefined();
      expect(await sql.all("SELECT id FROM items WHERE id = ?", [99])).toEqual([]);
      expect(await sql.run("UPDATE items SET qty = qty + 1 WHERE id <= ?", [2])).toEqual({
        changes: 2,
      });
      expect(await sql.run("DELETE FROM items WHERE id = ?", [99])).toEqual({ changes: 0 });
    });

    it("returns what RETURNING names, and counts its rows as changes", async () => {
      expect(
        await sql.get("INSERT INTO items (id, name) VALUES (?, ?) RETURNING id, qty", [7, "g"]),
      ).toEqual({ id: 7, qty: 0 });
      expect(
        await sql.all("UPDATE items SET qty = 0 WHERE qty > ? RETURNING id", [15]),
      ).toHaveLength(2);
      expect(await sql.run("DELETE FROM items WHERE id > ? RETURNING id", [1])).toEqual({
        changes: 3,
      });
    });

    it("runs one statement per parameter list", async () => {
      await sql.runMany("UPDATE items SET qty = ? WHERE id = ?", [
        [100, 1],
        [300, 3],
      ]);
      expect(await sql.all("SELECT qty FROM items ORDER BY id")).toEqual([
        { qty: 100 },
        { qty: 20 },
        { qty: 300 },
      ]);
    });

    it("gives bigint columns, count(*) and sum() back as JavaScript numbers", async () => {
      await sql.run("UPDATE items SET qty = ? WHERE id = ?", [2 ** 40, 1]);
      const row = await sql.get<Record<string, unknown>>(
        "SELECT count(*) AS n, sum(qty) AS total, max(qty) AS most, sum(id) AS ids FROM items",
      );
      expect(row).toEqual({ n: 3, total: 2 ** 40 + 50, most: 2 ** 40, ids: 6 });
    });

    it("commits a transaction that resolves, and rolls back one that throws", async () => {
      const got = await sql.transaction(async (tx) => {
        await tx.run("INSERT INTO items (id, name) VALUES (?, ?)", [10, "kept"]);
        return (await tx.get<{ n: number }>("SELECT count(*) AS n FROM items"))?.n;
      });
      expect(got).toBe(4);
      const failure = new Error("changed my mind");
      await expect(
        sql.transaction(async (tx) => {
          await tx.run("INSERT INTO items (id, name) VALUES (?, ?)", [11, "lost"]);
          await tx.run("DELETE FROM items WHERE id = ?", [1]);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await sql.all("SELECT id FROM items ORDER BY id")).toEqual([
        { id: 1 },
        { id: 2 },
        { id: 3 },
        { id: 10 },
      ]);
    });

    it("rolls back a transaction whose COMMIT fails, and the next one commits", async () => {
      await sql.run(
        `CREATE TABLE parts (
           item_id INTEGER NOT NULL REFERENCES items (id) DEFERRABLE INITIALLY DEFERRED
         )`,
      );
      if (backend === "sqlite") await sql.run("PRAGMA foreign_keys = ON");
      // The deferred key is checked at COMMIT: the commit itself fails.
      await expect(
        sql.transaction((tx) => tx.run("INSERT INTO parts (item_id) VALUES (?)", [99])),
      ).rejects.toThrow(/foreign key/i);
      await sql.transaction((tx) => tx.run("INSERT INTO parts (item_id) VALUES (?)", [1]));
      expect(await sql.all("SELECT item_id FROM parts")).toEqual([{ item_id: 1 }]);
    });

    it("never loses an update between transactions that read, then write, a counter", async () => {
      await sql.run("UPDATE items SET qty = 0 WHERE id = 1");
      await Promise.all(
        Array.from({ length: 8 }, () =>
          sql.transaction(async (tx) => {
            const row = await tx.get<{ qty: number }>("SELECT qty FROM items WHERE id = 1");
            await later(5);
            await tx.run("UPDATE items SET qty = ? WHERE id = 1", [row!.qty + 1]);
          }),
        ),
      );
      expect(await sql.get("SELECT qty FROM items WHERE id = 1")).toEqual({ qty: 8 });
    });

    it.runIf(backend === "sqlite")(
      "holds a statement on the client until the open transaction ends",
      async () => {
        let open!: () => void;
        const gate = new Promise<void>((resolve) => {
          open = resolve;
        });
        let read: number | undefined;
        const transaction = sql.transaction(async (tx) => {
          await tx.run("INSERT INTO items (id, name) VALUES (?, ?)", [20, "t"]);
          await gate;
        });
        const outside = sql.get<{ n: number }>("SELECT count(*) AS n FROM items").then((row) => {
          read = row?.n;
        });
        await later(20);
        expect(read).toBeUndefined();
        open();
        await Promise.all([transaction, outside]);
        expect(read).toBe(4);
      },
    );

    it("commits a durable: false transaction without waiting for the disk, that once", async () => {
      const setting = backend === "sqlite" ? "PRAGMA synchronous" : "SHOW synchronous_commit";
      const before = await sql.transaction((tx) => tx.get(setting));
      const inside = await sql.transaction(
        async (tx) => {
          await tx.run("INSERT INTO items (id, name) VALUES (?, ?)", [30, "fast"]);
          return tx.get(setting);
        },
        { durable: false },
      );
      expect(inside).toEqual(
        backend === "sqlite" ? { synchronous: 1 } : { synchronous_commit: "off" },
      );
      expect(await sql.transaction((tx) => tx.get(setting))).toEqual(before);
      expect(await sql.get("SELECT name FROM items WHERE id = 30")).toEqual({ name: "fast" });
    });

    it("keeps a temporary table for the length of a session, transactions included", async () => {
      const picked = await sql.session(async (s) => {
        await s.run("CREATE TEMPORARY TABLE picks (id INTEGER PRIMARY KEY)");
        await s.transaction((tx) => tx.runMany("INSERT INTO picks (id) VALUES (?)", [[1], [3]]));
        const rows = await s.all<{ name: string }>(
          "SELECT name FROM items WHERE id IN (SELECT id FROM picks) ORDER BY id",
        );
        await s.run("DROP TABLE picks");
        return rows;
      });
      expect(picked).toEqual([{ name: "a" }, { name: "c" }]);
    });

    it.runIf(backend === "postgres")("drops a session's temporary tables with it", async () => {
      // One connection in the pool: the next session is on the same one.
      const single = PgClient.connect(url, { max: 1 });
      try {
        await single.session((s) => s.run("CREATE TEMPORARY TABLE picks (id INTEGER)"));
        const found = await single.session((s) =>
          s.get("SELECT to_regclass('pg_temp.picks')::text AS t"),
        );
        expect(found).toEqual({ t: null });
      } finally {
        await single.close();
      }
    });

    it("reads a JSON key, matches a JSON array parameter and tells the database's time", async () => {
      await sql.run("UPDATE items SET meta = ? WHERE id = ?", ['{"tag":"x","other":"y"}', 2]);
      const { jsonText, inJsonArray, nowMs } = sql.dialect;
      expect(
        await sql.all(`SELECT id, ${jsonText("meta", "tag")} AS tag FROM items ORDER BY id`),
      ).toEqual([
        { id: 1, tag: null },
        { id: 2, tag: "x" },
        { id: 3, tag: null },
      ]);
      expect(
        await sql.all(`SELECT id FROM items WHERE ${inJsonArray("name")} ORDER BY id`, [
          JSON.stringify(["c", "a", "zz"]),
        ]),
      ).toEqual([{ id: 1 }, { id: 3 }]);
      expect(await sql.all(`SELECT id FROM items WHERE ${inJsonArray("name")}`, ["[]"])).toEqual(
        [],
      );
      const now = await sql.get<{ now: number }>(`SELECT ${nowMs} AS now`);
      expect(typeof now?.now).toBe("number");
      expect(Math.abs(now!.now - Date.now())).toBeLessThan(5_000);
    });
  });
});

describe.skipIf(noPostgres())("migratePostgres", () => {
  const opened: PgClient[] = [];
  const connect = (url: string) => {
    const client = PgClient.connect(url);
    opened.push(client);
    return client;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((client) => client.close()));
  });

  it("migrates a new journal once when three processes open it at the same time", async () => {
    const url = await freshPostgresJournal();
    const clients = [connect(url), connect(url), connect(url)];
    await Promise.all(clients.map((client) => migratePostgres(client, url)));
    const sql = clients[0]!;
    expect(await sql.all("SELECT version FROM journal_schema")).toEqual([
      { version: PG_SCHEMA_VERSION },
    ]);
    const tables = await sql.all<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(tables.map((t) => t.name)).toEqual([
      "attempts",
      "journal_schema",
      "rate_limits",
      "rows",
      "run_locks",
      "runs",
      "suppressions",
    ]);
    // Opening it again changes nothing.
    await migratePostgres(connect(url), url);
    expect(await sql.all("SELECT version FROM journal_schema")).toEqual([
      { version: PG_SCHEMA_VERSION },
    ]);
  });

  it("refuses a journal of a newer schema, as the SQLite journal does", async () => {
    const url = await freshPostgresJournal();
    const sql = connect(url);
    await migratePostgres(sql, url);
    await sql.run("UPDATE journal_schema SET version = ?", [PG_SCHEMA_VERSION + 1]);
    const error = await migratePostgres(connect(url), url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({
      exitCode: ExitCode.config,
      message: `the journal ${parsePostgresUrl(url).shown} has schema version ${PG_SCHEMA_VERSION + 1}; this twilio-bulk knows up to ${PG_SCHEMA_VERSION}`,
    });
  });

  it("opens a migrated journal, and names a database that does not exist", async () => {
    const url = await freshPostgresJournal();
    const sql = await openPostgres(url);
    opened.push(sql);
    expect(await sql.get("SELECT version FROM journal_schema")).toEqual({
      version: PG_SCHEMA_VERSION,
    });
    const missing = databaseUrl(url, "tb_no_such_database");
    await expect(openPostgres(missing)).rejects.toMatchObject({
      exitCode: ExitCode.config,
      message: expect.stringMatching(/database "tb_no_such_database" does not exist \(3D000\)$/),
    });
  });
});

describe("openPostgres, when it cannot connect", () => {
  it.each(["127.0.0.1", "localhost"])(
    "names the server, port and database of a refused connection to %s, never the password",
    async (host) => {
      const port = await closedPort();
      const url = `postgres://journal:s3cret-pw@${host}:${port}/runs?password=s3cret-too`;
      const error = await openPostgres(url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      const { message, exitCode, hint } = error as CliError;
      expect(exitCode).toBe(ExitCode.tempFail);
      expect(message).toBe(
        `cannot open the journal postgres://journal@${host}:${port}/runs: connection refused (ECONNREFUSED)`,
      );
      expect(`${message} ${hint} ${(error as Error).stack}`).not.toContain("s3cret");
    },
  );

  it("gives up on a server that accepts and never answers after connect_timeout, saying so", async () => {
    const silent = await listening(() => {});
    try {
      const url = `postgres://u:pw@127.0.0.1:${silent.port}/db?connect_timeout=1`;
      const started = Date.now();
      const error = await openPostgres(url).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error).toMatchObject({
        exitCode: ExitCode.tempFail,
        message: `cannot open the journal postgres://u@127.0.0.1:${silent.port}/db: no answer within 1 s`,
      });
      expect((error as CliError).hint).toContain("?connect_timeout=SECONDS");
    } finally {
      await silent.close();
    }
  });

  it("says the port is not PostgreSQL's when the server there hangs up at the first words", async () => {
    const other = await listening((socket) => socket.once("data", () => socket.end()));
    try {
      const error = await openPostgres(`postgres://u:pw@127.0.0.1:${other.port}/db`).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({
        exitCode: ExitCode.tempFail,
        message: `cannot open the journal postgres://u@127.0.0.1:${other.port}/db: the server closed the connection before it answered`,
      });
      expect((error as CliError).hint).toMatch(/host and port are PostgreSQL's/);
    } finally {
      await other.close();
    }
  });

  it("takes connect_timeout in whole seconds, 15 by default", () => {
    expect(parsePostgresUrl("postgres://h/db").connectTimeoutMs).toBe(15_000);
    expect(parsePostgresUrl("postgres://h/db?connect_timeout=3").connectTimeoutMs).toBe(3_000);
    for (const bad of ["0", "1.5", "soon"]) {
      expect(() => parsePostgresUrl(`postgres://h/db?connect_timeout=${bad}`)).toThrow(UsageError);
    }
  });

  it.each([
    "not a url",
    "mysql://u:pw@host/db",
    "postgres//u:pw@host/db",
    "postgres://u:pw@host:99999/db",
  ])("refuses %s as a journal URL: a usage error", async (url) => {
    const error = await openPostgres(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ exitCode: ExitCode.usage });
    expect((error as Error).message).not.toContain("pw");
  });

  it.each([
    [{ code: "28P01", message: 'password authentication failed for user "u"' }, ExitCode.noPerm],
    [{ code: "3D000", message: 'database "db" does not exist' }, ExitCode.config],
    [{ code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND nohost" }, ExitCode.config],
    [{ code: "ETIMEDOUT", message: "connect ETIMEDOUT" }, ExitCode.tempFail],
    [{ code: "57P03", message: "the database system is starting up" }, ExitCode.tempFail],
  ])("maps %o to exit %i", (cause, exitCode) => {
    const error = cannotReachPostgres("postgres://u:pw@db.example:6432/db?password=pw2", cause);
    expect(error?.exitCode).toBe(exitCode);
    expect(error?.message).toMatch(
      /^cannot open the journal postgres:\/\/u@db\.example:6432\/db: /,
    );
    expect(`${error?.message} ${error?.hint}`).not.toMatch(/pw/);
  });

  it("leaves every other error alone", () => {
    expect(cannotReachPostgres("postgres://h/db", { code: "42P01", message: "x" })).toBeUndefined();
    expect(cannotReachPostgres("postgres://h/db", new Error("boom"))).toBeUndefined();
  });
});

/** A port nothing listens on: the OS's pick for a server closed at once. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A TCP server on 127.0.0.1 that treats each connection as `onSocket` says. */
function listening(
  onSocket: (socket: Socket) => void,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    onSocket(socket);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      const close = () =>
        new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => done());
        });
      resolve({ port, close });
    });
  });
}
