/** A value bound to a `?` placeholder. Booleans are not used: SQLite has none. */
export type SqlValue = string | number | bigint | Buffer | null;

export type SqlParams = readonly SqlValue[];

/** The few places where SQLite and PostgreSQL spell the same thing differently. */
export interface Dialect {
  readonly name: "sqlite" | "postgres";
  /** The text of one top-level key of a JSON text column, NULL when absent. */
  jsonText(column: string, key: string): string;
  /** `value IN (the elements of a JSON array of strings bound as one parameter)`. */
  inJsonArray(value: string): string;
  /** An index hint after a table name (SQLite's planner needs one for rows_to); "" elsewhere. */
  indexedBy(index: string): string;
  /**
   * A JSON object column's keys as a table `alias` with columns `key` and `id` (the key's
   * position in its object), to join after a FROM.
   */
  jsonKeys(column: string, alias: string): string;
  /**
   * A short binary key (a dedupe key's 16 bytes) as the column holds it: SQLite keeps the bytes,
   * PostgreSQL's text column their hex.
   */
  bytes(value: Buffer): SqlValue;
  /** `column IN (the short keys of a JSON array of their hex, bound as one parameter)`. */
  bytesInJsonArray(column: string): string;
  /**
   * A join whose tables are read in the order written (`A ${orderedJoin} B ON …`): SQLite's
   * planner is told so by CROSS JOIN; PostgreSQL's chooses well by itself (and has no CROSS JOIN … ON).
   */
  orderedJoin: string;
  /**
   * After a SELECT: keeps the rows read from changing until the transaction ends (PostgreSQL's
   * FOR SHARE); "" on SQLite, whose write transaction already excludes every other writer.
   */
  forShare: string;
  /**
   * After a SELECT of rows to claim: locks them, passing over rows another transaction holds
   * (PostgreSQL's FOR UPDATE SKIP LOCKED); "" on SQLite, which has one writer at a time.
   */
  skipLocked: string;
  /** The clock of the database, in ms since the epoch, as an SQL expression. */
  nowMs: string;
}

/** Statements run on one connection (inside a transaction, or the client's own). */
export interface SqlQueries {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** A write; `changes` is how many rows it touched. */
  run(sql: string, params?: SqlParams): Promise<{ changes: number }>;
  /** One statement for each parameter list, in order (a batch insert). */
  runMany(sql: string, rows: readonly SqlParams[]): Promise<void>;
}

export interface TransactionOptions {
  /**
   * false: the commit need not wait for the disk (pre-flight batches of a run still being
   * prepared, which is thrown away and prepared again after a crash). @default true
   */
  durable?: boolean;
  /**
   * true: no other such transaction runs at the same time (SQLite always works so; PostgreSQL
   * takes one advisory lock). false only where the SQL locks the rows it decides on itself
   * (claims with FOR UPDATE SKIP LOCKED, writes fenced by a worker's lease). @default true
   */
  exclusive?: boolean;
}

/**
 * The journal's connection to its database: the embedded SQLite file or a shared PostgreSQL.
 * Journal modules write one SQL for both (`?` placeholders, RETURNING, ON CONFLICT) and ask
 * `dialect` for the rest, so the logic exists once.
 */
export interface SqlClient extends SqlQueries {
  /**
   * Runs `fn` in one transaction that takes the write lock at once (SQLite's BEGIN IMMEDIATE),
   * committed when it resolves, rolled back when it throws. Only `tx` may be used inside it:
   * a statement on the client itself waits for the transaction to end.
   */
  transaction<T>(fn: (tx: SqlQueries) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Runs `fn` on one connection for its whole length (temporary tables live on one). */
  session<T>(fn: (session: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
