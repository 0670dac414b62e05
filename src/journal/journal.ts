import type { AttemptRecord } from "../core/attemptRecord.js";
import { emptyCounts, ROW_STATES, type RowState, type StateCounts } from "../core/rowState.js";
import { DEFAULT_API } from "../operations/defaultApi.js";
import {
  type AttemptContext,
  type AttemptStart,
  beginAttempts,
  type StartedAttempt,
} from "./beginAttempts.js";
import { shortKey } from "./dedupeKeys.js";
import { type AttemptFinish, finishAttempts } from "./finishAttempts.js";
import { type Db, openDatabase } from "./openDatabase.js";
import { openPostgres } from "./openPostgres.js";
import { pageByIdx } from "./pageByIdx.js";
import { isPostgresUrl, parsePostgresUrl } from "./postgresUrl.js";
import { recoverOrphans } from "./recoverOrphans.js";
import { packRequest, requestJsonColumn, unpackRequest } from "./requestColumn.js";
import { RequestTemplate } from "./requestTemplate.js";
import type { HeldLock } from "./runLockFence.js";
import type { Dialect, SqlClient, SqlQueries, SqlValue } from "./sql/sqlClient.js";
import { SqliteClient } from "./sql/sqliteClient.js";
import type { Settled } from "./turnBatch.js";

export type RunPhase = "preparing" | "ready" | "finished";

export interface RunRecord {
  id: number;
  name: string | null;
  inputPath: string;
  inputFormat: string;
  inputHash: string | null;
  inputBytes: number | null;
  options: Record<string, unknown>;
  identity: string;
  phase: RunPhase;
  totalRows: number;
  segments: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface NewRun {
  name: string | null;
  inputPath: string;
  inputFormat: string;
  options: Record<string, unknown>;
  identity: string;
}

export interface NewRow {
  idx: number;
  line: number;
  /** The Twilio API it is for (src/operations/registry.ts). @default DEFAULT_API */
  api?: string;
  to: string | null;
  /** The operation's request, as built by the pre-flight. */
  request: object | null;
  fields: Record<string, unknown>;
  /** A Buffer is the key as stored (dedupeDigest's, as the builders make it); text is shortKey'd. */
  dedupeKey: string | Buffer | null;
  segments: number;
  state: "pending" | "invalid" | "skipped";
  reason: string | null;
}

export type { AttemptRecord };

export interface SendableRow {
  runId: number;
  idx: number;
  line: number;
  /** The operation that sends it (src/operations/registry.ts). */
  api: string;
  to: string;
  /** The operation's request, as its builder made it (a MessageRequest for `messages`). */
  request: object;
  attempts: number;
  /** The row's `timezone` column (checked at pre-flight), for quiet hours; null when absent. */
  timeZone: string | null;
}

/** The columns of `rows` a SendableRow is made of, as `SELECT ${sendableColumns(d)} FROM rows`. */
export function sendableColumns(d: Dialect, alias = ""): string {
  const a = alias === "" ? "" : `${alias}.`;
  return `${a}idx, ${a}line, ${a}api, ${a}to_number, ${requestJsonColumn(alias)}, ${a}fields_json, ${a}attempts, ${d.jsonText(`${a}fields_json`, "timezone")} AS time_zone`;
}

/** A row as `SELECT ${sendableColumns(d)}` reads it. */
export interface RawSendableRow {
  idx: number;
  line: number;
  api: string;
  to_number: string;
  request_json: string;
  fields_json: string;
  attempts: number;
  time_zone: unknown;
}

export function toSendableRow(runId: number, r: RawSendableRow): SendableRow {
  return {
    runId,
    idx: r.idx,
    line: r.line,
    api: r.api,
    to: r.to_number,
    request: unpackRequest(r.request_json, r.to_number, r.fields_json),
    attempts: r.attempts,
    timeZone:
      typeof r.time_zone === "string" && r.time_zone.trim() !== "" ? r.time_zone.trim() : null,
  };
}

interface RunRow {
  id: number;
  name: string | null;
  input_path: string;
  input_format: string;
  input_hash: string | null;
  input_bytes: number | null;
  options_json: string;
  identity: string;
  phase: RunPhase;
  total_rows: number;
  segments: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    name: r.name,
    inputPath: r.input_path,
    inputFormat: r.input_format,
    inputHash: r.input_hash,
    inputBytes: r.input_bytes,
    options: JSON.parse(r.options_json) as Record<string, unknown>,
    identity: r.identity,
    phase: r.phase,
    totalRows: r.total_rows,
    segments: r.segments,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Rows written by one INSERT statement of a pre-flight batch (SQLite allows 32,766 parameters). */
const ROWS_PER_INSERT = 500;
const ROW_COLUMNS = 12;

/**
 * The run journal, on the embedded SQLite file or a shared PostgreSQL (`open`). Every write that
 * a later decision depends on is its own committed transaction, taken with the write lock at once
 * (SQLite's BEGIN IMMEDIATE), so concurrent processes queue instead of failing.
 */
export class Journal {
  private readonly now: () => number;
  /**
   * The run locks this journal holds, by run: their token fences new attempts (runLockFence) and
   * owns the rows they start; shared, it may start only rows it claimed (claimRows.ts).
   */
  readonly heldLocks = new Map<number, HeldLock>();
  private readonly requestTemplate = new RequestTemplate();

  constructor(
    /** The journal's database behind the interface both backends share (sql/sqlClient.ts). */
    readonly sql: SqlClient,
    /** Where the journal is, as printed: a file's path, or a URL without its password. */
    readonly path: string,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Opens the journal `spec` names: a postgres:// URL, else a file path (created when needed). */
  static async open(spec: string, options: { now?: () => number } = {}): Promise<Journal> {
    if (isPostgresUrl(spec)) {
      return new Journal(await openPostgres(spec), parsePostgresUrl(spec).shown, options);
    }
    return new Journal(new SqliteClient(openDatabase(spec)), spec, options);
  }

  /** The SQLite connection itself, for tests that read the file; undefined on PostgreSQL. */
  get db(): Db {
    if (this.sql instanceof SqliteClient) return this.sql.db;
    throw new Error("the journal is on PostgreSQL: it has no SQLite connection");
  }

  get dialect(): Dialect {
    return this.sql.dialect;
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  // --- runs -----------------------------------------------------------------------------

  async createRun(run: NewRun, q: SqlQueries = this.sql): Promise<RunRecord> {
    const now = this.now();
    const row = await q.get<RunRow>(
      `INSERT INTO runs (name, input_path, input_format, options_json, identity, phase, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'preparing', ?, ?) RETURNING *`,
      [
        run.name,
        run.inputPath,
        run.inputFormat,
        JSON.stringify(run.options),
        run.identity,
        now,
        now,
      ],
    );
    return toRun(row!);
  }

  async getRun(id: number, q: SqlQueries = this.sql): Promise<RunRecord | undefined> {
    const row = await q.get<RunRow>("SELECT * FROM runs WHERE id = ?", [id]);
    return row && toRun(row);
  }

  async findRunByName(name: string, q: SqlQueries = this.sql): Promise<RunRecord | undefined> {
    const row = await q.get<RunRow>("SELECT * FROM runs WHERE name = ?", [name]);
    return row && toRun(row);
  }

  /** The newest run with this identity (input hash + sending options), if any. */
  async findLatestRunByIdentity(
    identity: string,
    q: SqlQueries = this.sql,
  ): Promise<RunRecord | undefined> {
    const row = await q.get<RunRow>(
      "SELECT * FROM runs WHERE identity = ? ORDER BY id DESC LIMIT 1",
      [identity],
    );
    return row && toRun(row);
  }

  /** The newest run of one of these input paths that still has rows to send. */
  async findUnfinishedRunOf(
    paths: readonly string[],
    q: SqlQueries = this.sql,
  ): Promise<RunRecord | undefined> {
    const row = await q.get<RunRow>(
      `SELECT * FROM runs WHERE phase = 'ready' AND input_path IN (?, ?) ORDER BY id DESC LIMIT 1`,
      [paths[0]!, paths[1] ?? paths[0]!],
    );
    return row && toRun(row);
  }

  async latestRun(q: SqlQueries = this.sql): Promise<RunRecord | undefined> {
    const row = await q.get<RunRow>("SELECT * FROM runs ORDER BY id DESC LIMIT 1");
    return row && toRun(row);
  }

  async listRuns(): Promise<RunRecord[]> {
    return (await this.sql.all<RunRow>("SELECT * FROM runs ORDER BY id")).map(toRun);
  }

  /** Pre-flight is complete: the rows are all journaled and the run may send. */
  async markRunReady(
    runId: number,
    input: { hash: string; bytes: number; identity: string },
  ): Promise<void> {
    const now = this.now();
    await this.sql.run(
      `UPDATE runs SET phase = 'ready', input_hash = ?, input_bytes = ?, identity = ?,
           total_rows = (SELECT count(*) FROM rows WHERE run_id = ?),
           segments = (SELECT coalesce(sum(segments), 0) FROM rows WHERE run_id = ? AND state = 'pending'),
           updated_at = ?
         WHERE id = ?`,
      [input.hash, input.bytes, input.identity, runId, runId, now, runId],
    );
  }

  async markRunStarted(runId: number): Promise<void> {
    const now = this.now();
    await this.sql.run(
      "UPDATE runs SET started_at = coalesce(started_at, ?), updated_at = ? WHERE id = ?",
      [now, now, runId],
    );
  }

  /** A run is finished when no row is pending; in_doubt rows wait for reconcile, not for send. */
  async finishRunIfDone(runId: number): Promise<boolean> {
    const now = this.now();
    const info = await this.sql.run(
      `UPDATE runs SET phase = 'finished', finished_at = ?, updated_at = ?
         WHERE id = ? AND phase = 'ready'
           AND NOT EXISTS (SELECT 1 FROM rows WHERE run_id = ? AND state = 'pending')`,
      [now, now, runId, runId],
    );
    return info.changes > 0;
  }

  /** Throws away a run whose pre-flight failed or was interrupted: nothing of it was sent. */
  async deleteUnsentRun(runId: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      const attempted = await tx.get("SELECT 1 FROM attempts WHERE run_id = ? LIMIT 1", [runId]);
      if (attempted) throw new Error(`run ${runId} has attempts and cannot be deleted`);
      await tx.run("DELETE FROM rows WHERE run_id = ?", [runId]);
      await tx.run("DELETE FROM runs WHERE id = ?", [runId]);
    });
  }

  // --- rows -----------------------------------------------------------------------------

  /**
   * Inserts pre-flight rows in one transaction (the caller batches, 2,000 at a time), several
   * rows to a statement: a statement per row cost more than the rest of the pre-flight.
   * These commits skip the fsync: a run still preparing is thrown away and pre-flighted again
   * from the top if the process or the machine stops, and markRunReady's durable commit makes
   * every row written before it durable with its own.
   */
  async insertRows(runId: number, rows: readonly NewRow[]): Promise<void> {
    if (rows.length === 0) return;
    const now = this.now();
    const packed = rows.map((r) => (r.request ? packRequest(r.request, r.to, r.fields) : null));
    await this.sql.transaction(
      async (tx) => {
        const requests = await this.requestTemplate.stored(tx, runId, packed);
        const values: SqlValue[] = [];
        rows.forEach((r, i) => {
          const key =
            r.dedupeKey === null || Buffer.isBuffer(r.dedupeKey)
              ? r.dedupeKey
              : shortKey(r.dedupeKey);
          values.push(
            runId,
            r.idx,
            r.line,
            r.api ?? DEFAULT_API,
            r.to,
            requests[i]!,
            JSON.stringify(r.fields),
            key === null ? null : this.dialect.bytes(key),
            r.segments,
            r.state,
            r.reason,
            now,
          );
        });
        for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
          const n = Math.min(ROWS_PER_INSERT, rows.length - at);
          await tx.run(
            `INSERT INTO rows (run_id, idx, line, api, to_number, request_json, fields_json, dedupe_key, segments, state, reason, updated_at)
             VALUES ${insertTuples(n)}`,
            values.slice(at * ROW_COLUMNS, (at + n) * ROW_COLUMNS),
          );
        }
      },
      { durable: false },
    );
  }

  /** Whether any number is suppressed: when none is, the pre-flight need not ask row by row. */
  async hasSuppressions(): Promise<boolean> {
    return (await this.sql.get("SELECT 1 FROM suppressions LIMIT 1")) !== undefined;
  }

  /** Rows of the run in a state, in file order, a page at a time (the sender writes between). */
  async *rowsInState(runId: number, state: RowState, pageSize = 500): AsyncGenerator<SendableRow> {
    const sql = `SELECT ${sendableColumns(this.dialect)} FROM rows
       WHERE run_id = ? AND state = ? AND idx > ? ORDER BY idx LIMIT ?`;
    for await (const r of pageByIdx<RawSendableRow>(this.sql, sql, [runId, state], pageSize)) {
      yield toSendableRow(runId, r);
    }
  }

  /** Why a number must not be texted, if it is on the suppression list. */
  suppressionOf(
    number: string,
    q: SqlQueries = this.sql,
  ): Promise<{ reason: string; code: number | null } | undefined> {
    return q.get("SELECT reason, code FROM suppressions WHERE number = ?", [number]);
  }

  /** The APIs the run's rows are for (each once). */
  async apisOf(runId: number): Promise<string[]> {
    const rows = await this.sql.all<{ api: string }>(
      "SELECT DISTINCT api FROM rows WHERE run_id = ? AND request_json IS NOT NULL ORDER BY api",
      [runId],
    );
    return rows.map((r) => r.api);
  }

  async counts(runId: number, q: SqlQueries = this.sql): Promise<StateCounts> {
    const counts = emptyCounts();
    const rows = await q.all<{ state: RowState; n: number }>(
      "SELECT state, count(*) AS n FROM rows WHERE run_id = ? GROUP BY state",
      [runId],
    );
    for (const { state, n } of rows) if (ROW_STATES.includes(state)) counts[state] = n;
    return counts;
  }

  // --- attempts -------------------------------------------------------------------------

  /**
   * Commits "attempt n of this row is in flight" before the HTTP call is made. If the process
   * dies before finishAttempt, the row is found in flight on the next start and becomes
   * in_doubt instead of being sent again. `q`: the caller's transaction.
   */
  async beginAttempt(runId: number, idx: number, q?: SqlQueries): Promise<StartedAttempt> {
    return only(await this.beginAttempts([{ runId, idx }], q));
  }

  /** beginAttempt for many rows at once, each settling alone (beginAttempts.ts). */
  beginAttempts(
    starts: readonly AttemptStart[],
    q?: SqlQueries,
  ): Promise<Settled<StartedAttempt>[]> {
    const begin = (tx: SqlQueries) => beginAttempts(tx, this.attemptContext(), starts);
    return q ? begin(q) : this.sql.transaction(begin);
  }

  async finishAttempt(attemptId: number, result: AttemptRecord, q?: SqlQueries): Promise<void> {
    only(await this.finishAttempts([{ attemptId, record: result }], q));
  }

  /** finishAttempt for many attempts at once, each settling alone (finishAttempts.ts). */
  finishAttempts(finishes: readonly AttemptFinish[], q?: SqlQueries): Promise<Settled<void>[]> {
    const finish = (tx: SqlQueries) => finishAttempts(tx, this.attemptContext(), finishes);
    return q ? finish(q) : this.sql.transaction(finish);
  }

  private attemptContext(): AttemptContext {
    return { heldLocks: this.heldLocks, now: this.now() };
  }

  /**
   * Attempts left in flight by a process that is gone become in doubt (recoverOrphans.ts);
   * those of live holders (other workers of the run) stay. Returns how many rows moved.
   */
  async recoverInFlight(runId: number, readOnlyApis: readonly string[] = []): Promise<number> {
    const now = this.now();
    return this.sql.transaction((tx) => recoverOrphans(tx, runId, readOnlyApis, now));
  }
}

/** `(?, …), (?, …)` for `n` rows of the pre-flight's insert. */
function insertTuples(n: number): string {
  const tuple = `(${Array.from({ length: ROW_COLUMNS }, () => "?").join(", ")})`;
  return Array.from({ length: n }, () => tuple).join(", ");
}

/** The value of a batch of one, or the error it failed with. */
function only<T>(settled: readonly Settled<T>[]): T {
  const [one] = settled;
  if (one === undefined) throw new Error("a batch of one settled nothing");
  if (!one.ok) throw one.error;
  return one.value;
}
