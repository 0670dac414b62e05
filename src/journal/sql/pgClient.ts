import pg from "pg";
import { parsePostgresUrl } from "../postgresUrl.js";
import { numberPlaceholders } from "./placeholders.js";
import type { Dialect, SqlClient, SqlParams, SqlQueries, TransactionOptions } from "./sqlClient.js";

export const POSTGRES_DIALECT: Dialect = {
  name: "postgres",
  jsonText: (column, key) => `(${column}::json ->> '${key}')`,
  inJsonArray: (value) => `${value} IN (SELECT json_array_elements_text(?::json))`,
  indexedBy: () => "",
  jsonKeys: (column, alias) =>
    `json_each_text(${column}::json) WITH ORDINALITY AS ${alias}(key, value, id)`,
  bytes: (value) => value.toString("hex"),
  bytesInJsonArray: (column) => `${column} IN (SELECT json_array_elements_text(?::json))`,
  orderedJoin: "JOIN",
  forShare: " FOR SHARE",
  skipLocked: " FOR UPDATE SKIP LOCKED",
  // clock_timestamp(), not now(): now() is the transaction's start (SCALE_OUT.md).
  nowMs: "(extract(epoch from clock_timestamp()) * 1000)::bigint",
};

// Journal columns hold ms since the epoch and counts: bigint and numeric (sum) come back as
// JavaScript numbers, as SQLite's do. Every value the journal keeps is far below 2^53.
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** The advisory lock key of the journal's one-writer transactions ("twbk"). */
const WRITE_LOCK = 0x7477626b;

interface Statement {
  text: string;
  /** A prepared statement's name, or undefined to have it parsed and planned each time. */
  name: string | undefined;
}

/**
 * Statements prepared per connection: a send runs the same few statements thousands of times,
 * and parsing and planning each again cost the server about a third of its time on them. Not
 * prepared: those without parameters (the schema's scripts hold several commands, which a
 * prepared statement cannot), and those whose result has every column of a table (`*`), which
 * a newer version's migration elsewhere could change under a cached plan. A few hundred names
 * at most, so generated SQL cannot grow every connection's cache without end.
 */
const MAX_PREPARED = 200;
const WHOLE_ROW = /(?:select|returning|,)\s*\*|\.\*/i;
const statements = new Map<string, Statement>();
let prepared = 0;

function statement(sql: string, params: SqlParams): Statement {
  let found = statements.get(sql);
  if (found === undefined) {
    const prepare = params.length > 0 && prepared < MAX_PREPARED && !WHOLE_ROW.test(sql);
    found = { text: numberPlaceholders(sql), name: prepare ? `tb${++prepared}` : undefined };
    statements.set(sql, found);
  }
  return found;
}

type Queryable = pg.Pool | pg.PoolClient;

function queriesOn(on: Queryable): SqlQueries {
  const query = (sql: string, params: SqlParams = []) =>
    on.query({ ...statement(sql, params), values: params as unknown[] });
  return {
    dialect: POSTGRES_DIALECT,
    async all<T>(sql: string, params?: SqlParams) {
      return (await query(sql, params)).rows as T[];
    },
    async get<T>(sql: string, params?: SqlParams) {
      return (await query(sql, params)).rows[0] as T | undefined;
    },
    async run(sql: string, params?: SqlParams) {
      return { changes: (await query(sql, params)).rowCount ?? 0 };
    },
    async runMany(sql: string, rows: readonly SqlParams[]) {
      for (const params of rows) await query(sql, params);
    },
  };
}

async function inTransaction<T>(
  client: pg.PoolClient,
  fn: (tx: SqlQueries) => Promise<T>,
  options: TransactionOptions,
): Promise<T> {
  await client.query("BEGIN");
  try {
    // SQLite's BEGIN IMMEDIATE lets one writer in at a time, and the journal's check-then-write
    // transactions rely on it: the same lock here, unless the caller's SQL locks its own rows.
    if (options.exclusive !== false)
      await client.query(`SELECT pg_advisory_xact_lock(${WRITE_LOCK})`);
    // A pre-flight batch of a run still preparing is thrown away after a crash (see Journal).
    if (options.durable === false) await client.query("SET LOCAL synchronous_commit = off");
    const result = await fn(queriesOn(client));
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** The plain statements of a pool or of one connection, as SqlClient shares them. */
abstract class PgQueries {
  readonly dialect = POSTGRES_DIALECT;
  protected readonly queries: SqlQueries;
  constructor(on: Queryable) {
    this.queries = queriesOn(on);
  }
  all<T>(sql: string, params?: SqlParams) {
    return this.queries.all<T>(sql, params);
  }
  get<T>(sql: string, params?: SqlParams) {
    return this.queries.get<T>(sql, params);
  }
  run(sql: string, params?: SqlParams) {
    return this.queries.run(sql, params);
  }
  runMany(sql: string, rows: readonly SqlParams[]) {
    return this.queries.runMany(sql, rows);
  }
}

/** A session: one checked-out connection, for temporary tables and their pages. */
class PgSession extends PgQueries implements SqlClient {
  constructor(private readonly client: pg.PoolClient) {
    super(client);
  }
  transaction<T>(fn: (tx: SqlQueries) => Promise<T>, options: TransactionOptions = {}) {
    return inTransaction(this.client, fn, options);
  }
  session<T>(fn: (session: SqlClient) => Promise<T>): Promise<T> {
    return fn(this);
  }
  async close(): Promise<void> {}
}

/**
 * A client class whose connection gives up after `ms`. Set on the pool instead, the same option
 * would also fail a query that waits longer for one of the pool's busy connections, mid-run;
 * and pg reads no `connect_timeout` from the URL (only libpq does), so the journal reads it.
 */
function connectingWithin(ms: number): typeof pg.Client {
  return class extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super({
        ...(typeof config === "string" ? { connectionString: config } : config),
        connectionTimeoutMillis: ms,
      });
    }
  };
}

/**
 * The shared journal on PostgreSQL: a small pool, so the requests in flight write their intent
 * and outcome side by side; each transaction holds one connection from BEGIN to COMMIT.
 */
export class PgClient extends PgQueries implements SqlClient {
  constructor(private readonly pool: pg.Pool) {
    super(pool);
  }

  static connect(url: string, options: { max?: number } = {}): PgClient {
    const pool = new pg.Pool({
      connectionString: url,
      Client: connectingWithin(parsePostgresUrl(url).connectTimeoutMs),
      max: options.max ?? 8,
      types,
      // Statements issued side by side on one connection (an outcome and its suppressions) go out
      // together instead of each waiting for the answer before: a round trip for them all.
      pipeline: true,
      application_name: "twilio-bulk",
    });
    // An idle connection that drops (server restart) must not crash the process: the next
    // query fails with its own error instead.
    pool.on("error", () => {});
    return new PgClient(pool);
  }

  /** A batch on a pool runs on one connection, in one transaction. */
  override async runMany(sql: string, rows: readonly SqlParams[]) {
    await this.transaction((tx) => tx.runMany(sql, rows));
  }

  async transaction<T>(fn: (tx: SqlQueries) => Promise<T>, options: TransactionOptions = {}) {
    const client = await this.pool.connect();
    try {
      return await inTransaction(client, fn, options);
    } finally {
      client.release();
    }
  }

  async session<T>(fn: (session: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await fn(new PgSession(client));
    } finally {
      // Temporary tables die with the session's connection, not with release: drop them.
      await client.query("DISCARD TEMP").catch(() => {});
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
