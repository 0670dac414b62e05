import type Database from "better-sqlite3";
import type { Dialect, SqlClient, SqlParams, SqlQueries, TransactionOptions } from "./sqlClient.js";

export const SQLITE_DIALECT: Dialect = {
  name: "sqlite",
  jsonText: (column, key) => `json_extract(${column}, '$.${key}')`,
  inJsonArray: (value) => `${value} IN (SELECT value FROM json_each(?))`,
  indexedBy: (index) => `INDEXED BY ${index}`,
  jsonKeys: (column, alias) => `json_each(${column}) AS ${alias}`,
  bytes: (value) => value,
  bytesInJsonArray: (column) => `${column} IN (SELECT unhex(value) FROM json_each(?))`,
  orderedJoin: "CROSS JOIN",
  forShare: "",
  skipLocked: "",
  nowMs: "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
};

/** better-sqlite3's statements, prepared once per connection and SQL text. */
class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}
  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function queriesOn(cache: StatementCache): SqlQueries {
  return {
    dialect: SQLITE_DIALECT,
    async all<T>(sql: string, params: SqlParams = []) {
      const statement = cache.get(sql);
      if (statement.reader) return statement.all(...params) as T[];
      statement.run(...params);
      return [];
    },
    async get<T>(sql: string, params: SqlParams = []) {
      return cache.get(sql).get(...params) as T | undefined;
    },
    async run(sql: string, params: SqlParams = []) {
      const statement = cache.get(sql);
      if (statement.reader) return { changes: statement.all(...params).length };
      return { changes: statement.run(...params).changes };
    },
    async runMany(sql: string, rows: readonly SqlParams[]) {
      const statement = cache.get(sql);
      for (const params of rows) statement.run(...params);
    },
  };
}

/**
 * The embedded journal: one better-sqlite3 connection behind the async interface the Postgres
 * journal shares. better-sqlite3 is synchronous, so a transaction that awaits between its
 * statements would take in any statement another task runs meanwhile: the client queues every
 * statement behind an open transaction instead.
 */
export class SqliteClient implements SqlClient {
  readonly dialect = SQLITE_DIALECT;
  private readonly cache: StatementCache;
  private readonly queries: SqlQueries;
  /** Settles when the open transaction (and every one queued before it) has ended. */
  private tail: Promise<void> = Promise.resolve();
  private busy = 0;

  constructor(readonly db: Database.Database) {
    this.cache = new StatementCache(db);
    this.queries = queriesOn(this.cache);
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.busy += 1;
    const before = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await before;
      return await fn();
    } finally {
      this.busy -= 1;
      release();
    }
  }

  /** A statement outside a transaction runs at once unless one is open or queued. */
  private outside<T>(fn: () => Promise<T>): Promise<T> {
    return this.busy === 0 ? fn() : this.exclusive(fn);
  }

  all<T>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.outside(() => this.queries.all<T>(sql, params));
  }
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.outside(() => this.queries.get<T>(sql, params));
  }
  run(sql: string, params?: SqlParams): Promise<{ changes: number }> {
    return this.outside(() => this.queries.run(sql, params));
  }
  runMany(sql: string, rows: readonly SqlParams[]): Promise<void> {
    return this.outside(() => this.queries.runMany(sql, rows));
  }

  transaction<T>(fn: (tx: SqlQueries) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.exclusive(async () => {
      const durable = options.durable ?? true;
      if (!durable) this.db.pragma("synchronous = NORMAL");
      try {
        this.cache.get("BEGIN IMMEDIATE").run();
        try {
          const result = await fn(this.queries);
          this.cache.get("COMMIT").run();
          return result;
        } catch (error) {
          // A COMMIT that fails (a deferred constraint, SQLITE_BUSY) leaves the transaction
          // open: every later statement on this one connection would join it, uncommitted.
          if (this.db.inTransaction) this.cache.get("ROLLBACK").run();
          throw error;
        }
      } finally {
        // FULL again before any other commit: see openDatabase.
        if (!durable) this.db.pragma("synchronous = FULL");
      }
    });
  }

  /** One connection already: the session is the client itself. */
  session<T>(fn: (session: SqlClient) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {
    await this.tail;
    this.db.close();
  }
}
