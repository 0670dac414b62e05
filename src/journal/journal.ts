import type Database from "better-sqlite3";
import type { AttemptRecord } from "../core/attemptRecord.js";
import { emptyCounts, ROW_STATES, type RowState, type StateCounts } from "../core/rowState.js";
import { DEFAULT_API } from "../operations/defaultApi.js";
import { cachedStatement } from "./cachedStatement.js";
import { KeyFilter, shortKey } from "./dedupeKeys.js";
import { type Db, openDatabase } from "./openDatabase.js";
import { pageByIdx } from "./pageByIdx.js";
import { packRequest, unpackRequest } from "./requestColumn.js";
import type { SqlClient } from "./sql/sqlClient.js";
import { SqliteClient } from "./sql/sqliteClient.js";

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
  dedupeKey: string | null;
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

/** The columns of `rows` a SendableRow is made of, as `SELECT ${SENDABLE_COLUMNS} FROM rows`. */
export const SENDABLE_COLUMNS =
  "idx, line, api, to_number, request_json, fields_json, attempts, json_extract(fields_json, '$.timezone') AS time_zone";

/** A row as `SELECT ${SENDABLE_COLUMNS}` reads it. */
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

const ROW_STATE_AFTER: Record<AttemptRecord["outcome"], RowState> = {
  sent: "sent",
  failed: "failed",
  in_doubt: "in_doubt",
  retry: "pending",
  fatal: "pending",
};

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

/**
 * The run journal. Every write that a later decision depends on is its own committed
 * transaction, taken with BEGIN IMMEDIATE so concurrent processes queue on the busy timeout
 * instead of failing with SQLITE_BUSY. No transaction is ever held across an await.
 */
export class Journal {
  readonly db: Db;
  /** The journal's database behind the interface both backends share (sql/sqlClient.ts). */
  readonly sql: SqlClient;
  private readonly now: () => number;
  private readonly keys = new KeyFilter();

  constructor(
    readonly path: string,
    options: { now?: () => number } = {},
  ) {
    this.db = openDatabase(path);
    this.sql = new SqliteClient(this.db);
    this.now = options.now ?? Date.now;
  }

  close(): void {
    this.db.close();
  }

  /** Prepared statements are reused: the send loop runs a handful of them per message. */
  private stmt(sql: string): Database.Statement {
    return cachedStatement(this.db, sql);
  }

  // --- runs -----------------------------------------------------------------------------

  createRun(run: NewRun): RunRecord {
    const now = this.now();
    const id = this.stmt(
      `INSERT INTO runs (name, input_path, input_format, options_json, identity, phase, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'preparing', ?, ?)`,
    ).run(
      run.name,
      run.inputPath,
      run.inputFormat,
      JSON.stringify(run.options),
      run.identity,
      now,
      now,
    ).lastInsertRowid;
    return this.getRun(Number(id))!;
  }

  getRun(id: number): RunRecord | undefined {
    const row = this.stmt("SELECT * FROM runs WHERE id = ?").get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  findRunByName(name: string): RunRecord | undefined {
    const row = this.stmt("SELECT * FROM runs WHERE name = ?").get(name) as RunRow | undefined;
    return row && toRun(row);
  }

  /** The newest run with this identity (input hash + sending options), if any. */
  findLatestRunByIdentity(identity: string): RunRecord | undefined {
    const row = this.stmt("SELECT * FROM runs WHERE identity = ? ORDER BY id DESC LIMIT 1").get(
      identity,
    ) as RunRow | undefined;
    return row && toRun(row);
  }

  /** The newest run of one of these input paths that still has rows to send. */
  findUnfinishedRunOf(paths: readonly string[]): RunRecord | undefined {
    const row = this.stmt(
      `SELECT * FROM runs WHERE phase = 'ready' AND input_path IN (?, ?) ORDER BY id DESC LIMIT 1`,
    ).get(paths[0], paths[1] ?? paths[0]) as RunRow | undefined;
    return row && toRun(row);
  }

  latestRun(): RunRecord | undefined {
    const row = this.stmt("SELECT * FROM runs ORDER BY id DESC LIMIT 1").get() as
      | RunRow
      | undefined;
    return row && toRun(row);
  }

  listRuns(): RunRecord[] {
    return (this.stmt("SELECT * FROM runs ORDER BY id").all() as RunRow[]).map(toRun);
  }

  /** Pre-flight is complete: the rows are all journaled and the run may send. */
  markRunReady(runId: number, input: { hash: string; bytes: number; identity: string }): void {
    this.keys.forget(runId);
    const now = this.now();
    this.stmt(
      `UPDATE runs SET phase = 'ready', input_hash = ?, input_bytes = ?, identity = ?,
           total_rows = (SELECT count(*) FROM rows WHERE run_id = ?),
           segments = (SELECT coalesce(sum(segments), 0) FROM rows WHERE run_id = ? AND state = 'pending'),
           updated_at = ?
         WHERE id = ?`,
    ).run(input.hash, input.bytes, input.identity, runId, runId, now, runId);
  }

  markRunStarted(runId: number): void {
    const now = this.now();
    this.stmt(
      "UPDATE runs SET started_at = coalesce(started_at, ?), updated_at = ? WHERE id = ?",
    ).run(now, now, runId);
  }

  /** A run is finished when no row is pending; in_doubt rows wait for reconcile, not for send. */
  finishRunIfDone(runId: number): boolean {
    const now = this.now();
    const info = this.stmt(
      `UPDATE runs SET phase = 'finished', finished_at = ?, updated_at = ?
         WHERE id = ? AND phase = 'ready'
           AND NOT EXISTS (SELECT 1 FROM rows WHERE run_id = ? AND state = 'pending')`,
    ).run(now, now, runId, runId);
    return info.changes > 0;
  }

  /** Throws away a run whose pre-flight failed or was interrupted: nothing of it was sent. */
  deleteUnsentRun(runId: number): void {
    this.keys.forget(runId);
    this.db
      .transaction(() => {
        const attempted = this.stmt("SELECT 1 FROM attempts WHERE run_id = ? LIMIT 1").get(runId);
        if (attempted) throw new Error(`run ${runId} has attempts and cannot be deleted`);
        this.stmt("DELETE FROM rows WHERE run_id = ?").run(runId);
        this.stmt("DELETE FROM runs WHERE id = ?").run(runId);
      })
      .immediate();
  }

  // --- rows -----------------------------------------------------------------------------

  /**
   * Inserts pre-flight rows in one transaction (the caller batches, 2,000 at a time).
   * These commits skip the fsync: a run still preparing is thrown away and pre-flighted again
   * from the top if the process or the machine stops, and markRunReady's commit, which is
   * synchronous=FULL, makes every row written before it durable with its own.
   */
  insertRows(runId: number, rows: readonly NewRow[]): void {
    const now = this.now();
    const insert = this.stmt(
      `INSERT INTO rows (run_id, idx, line, api, to_number, request_json, fields_json, dedupe_key, segments, state, reason, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.pragma("synchronous = NORMAL");
    try {
      this.db
        .transaction(() => {
          for (const r of rows) {
            const key = r.dedupeKey === null ? null : shortKey(r.dedupeKey);
            if (key !== null) this.keys.add(runId, key);
            insert.run(
              runId,
              r.idx,
              r.line,
              r.api ?? DEFAULT_API,
              r.to,
              r.request ? packRequest(r.request, r.to, r.fields) : null,
              JSON.stringify(r.fields),
              key,
              r.segments,
              r.state,
              r.reason,
              now,
            );
          }
        })
        .immediate();
    } finally {
      this.db.pragma("synchronous = FULL");
    }
  }

  /**
   * The line of an earlier row of the run with the same dedupe key (so the same recipient `to`),
   * if there is one. Found through the recipient's rows (rows_to): an index on the keys, which
   * are hashes, took a page write per row and a fifth of the journal.
   */
  findDuplicateLine(runId: number, dedupeKey: string, to: string): number | undefined {
    const key = shortKey(dedupeKey);
    if (!this.keys.mayHave(runId, key)) return undefined;
    return this.stmt(
      `SELECT line FROM rows INDEXED BY rows_to
        WHERE run_id = ? AND to_number = ? AND dedupe_key = ? ORDER BY idx LIMIT 1`,
    )
      .pluck()
      .get(runId, to, key) as number | undefined;
  }

  /** Whether any number is suppressed: when none is, the pre-flight need not ask row by row. */
  hasSuppressions(): boolean {
    return this.stmt("SELECT 1 FROM suppressions LIMIT 1").get() !== undefined;
  }

  /**
   * Rows of the run in a state, in file order, a page at a time: better-sqlite3 cannot write
   * while a statement iterates, and the sender writes between reads.
   */
  async *rowsInState(runId: number, state: RowState, pageSize = 500): AsyncGenerator<SendableRow> {
    const page = this.stmt(
      `SELECT ${SENDABLE_COLUMNS} FROM rows
       WHERE run_id = ? AND state = ? AND idx > ? ORDER BY idx LIMIT ?`,
    );
    for (const r of pageByIdx<RawSendableRow>(page, [runId, state], pageSize)) {
      yield toSendableRow(runId, r);
    }
  }

  /** Why a number must not be texted, if it is on the suppression list. */
  suppressionOf(number: string): { reason: string; code: number | null } | undefined {
    return this.stmt("SELECT reason, code FROM suppressions WHERE number = ?").get(number) as
      | { reason: string; code: number | null }
      | undefined;
  }

  /** The APIs the run's rows are for (each once). */
  apisOf(runId: number): string[] {
    return (
      this.stmt("SELECT DISTINCT api FROM rows WHERE run_id = ? AND request_json IS NOT NULL").all(
        runId,
      ) as { api: string }[]
    ).map((r) => r.api);
  }

  counts(runId: number): StateCounts {
    const counts = emptyCounts();
    const rows = this.stmt(
      "SELECT state, count(*) AS n FROM rows WHERE run_id = ? GROUP BY state",
    ).all(runId) as { state: RowState; n: number }[];
    for (const { state, n } of rows) if (ROW_STATES.includes(state)) counts[state] = n;
    return counts;
  }

  // --- attempts -------------------------------------------------------------------------

  /**
   * Commits "attempt n of this row is in flight" before the HTTP call is made. If the process
   * dies before finishAttempt, the row is found in flight on the next start and becomes
   * in_doubt instead of being sent again.
   */
  beginAttempt(runId: number, idx: number): { attemptId: number; n: number } {
    const now = this.now();
    return this.db
      .transaction(() => {
        const row = this.stmt(
          "UPDATE rows SET attempts = attempts + 1, updated_at = ? WHERE run_id = ? AND idx = ? AND state = 'pending' RETURNING attempts",
        ).get(now, runId, idx) as { attempts: number } | undefined;
        if (!row) throw new Error(`row ${idx} of run ${runId} is not pending`);
        const attemptId = Number(
          this.stmt(
            "INSERT INTO attempts (run_id, row_idx, n, outcome, started_at) VALUES (?, ?, ?, 'in_flight', ?)",
          ).run(runId, idx, row.attempts, now).lastInsertRowid,
        );
        return { attemptId, n: row.attempts };
      })
      .immediate();
  }

  finishAttempt(attemptId: number, result: AttemptRecord): void {
    const now = this.now();
    this.db
      .transaction(() => {
        const attempt = this.stmt(
          `UPDATE attempts SET outcome = ?, finished_at = ?, http_status = ?, error_code = ?,
             error_message = ?, sid = ?, twilio_status = ?
           WHERE id = ? AND outcome = 'in_flight' RETURNING run_id, row_idx`,
        ).get(
          result.outcome,
          now,
          result.httpStatus,
          result.errorCode,
          result.errorMessage,
          result.sid,
          result.twilioStatus,
          attemptId,
        ) as { run_id: number; row_idx: number } | undefined;
        if (!attempt) throw new Error(`attempt ${attemptId} is not in flight`);
        this.stmt(
          `UPDATE rows SET state = ?, http_status = ?, error_code = ?, error_message = ?,
             sid = coalesce(?, sid), twilio_status = coalesce(?, twilio_status),
             result_json = coalesce(?, result_json), updated_at = ?
           WHERE run_id = ? AND idx = ?`,
        ).run(
          ROW_STATE_AFTER[result.outcome],
          result.httpStatus,
          result.errorCode,
          result.errorMessage,
          result.sid,
          result.twilioStatus,
          result.result === undefined || result.result === null
            ? null
            : JSON.stringify(result.result),
          now,
          attempt.run_id,
          attempt.row_idx,
        );
      })
      .immediate();
  }

  /**
   * Attempts left in flight by a process that died: their HTTP call may have reached Twilio,
   * so their rows become in_doubt (reconcile decides them), never pending. Only call this while
   * holding the run's lock. Returns how many rows moved.
   */
  recoverInFlight(runId: number, readOnlyApis: readonly string[] = []): number {
    const now = this.now();
    return this.db
      .transaction(() => {
        // A read (Lookup) cut off changed nothing at Twilio: its row stays pending, asked again.
        this.stmt(
          `UPDATE attempts SET outcome = 'retry', finished_at = ?,
             error_message = 'the process stopped while this request was in flight; it only reads, so it is asked again'
           WHERE run_id = ? AND outcome = 'in_flight'
             AND (SELECT r.api FROM rows r WHERE r.run_id = attempts.run_id AND r.idx = attempts.row_idx)
                 IN (SELECT value FROM json_each(?))`,
        ).run(now, runId, JSON.stringify(readOnlyApis));
        const stuck = this.stmt(
          `UPDATE attempts SET outcome = 'in_doubt', finished_at = ?,
             error_message = 'the process stopped while this request was in flight'
           WHERE run_id = ? AND outcome = 'in_flight' RETURNING row_idx`,
        ).all(now, runId) as { row_idx: number }[];
        const mark = this.stmt(
          `UPDATE rows SET state = 'in_doubt', error_message = 'the process stopped while this request was in flight',
           http_status = NULL, error_code = NULL, updated_at = ?
         WHERE run_id = ? AND idx = ? AND state = 'pending'`,
        );
        for (const { row_idx } of stuck) mark.run(now, runId, row_idx);
        return stuck.length;
      })
      .immediate();
  }
}
