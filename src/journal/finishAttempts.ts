import type { AttemptRecord } from "../core/attemptRecord.js";
import type { RowState } from "../core/rowState.js";
import type { AttemptContext } from "./beginAttempts.js";
import { assertRunLockHeld } from "./runLockFence.js";
import type { SqlQueries, SqlValue } from "./sql/sqlClient.js";
import type { Settled } from "./turnBatch.js";

/** What an attempt came to, for the attempt begun as `attemptId`. */
export interface AttemptFinish {
  attemptId: number;
  record: AttemptRecord;
}

const ROW_STATE_AFTER: Record<AttemptRecord["outcome"], RowState> = {
  sent: "sent",
  failed: "failed",
  in_doubt: "in_doubt",
  retry: "pending",
  fatal: "pending",
};

/** The row columns an outcome sets; sid, Twilio's status and the result only when it has them. */
const ROW_UPDATE = `state = v.state, http_status = v.http_status, error_code = v.error_code,
  error_message = v.error_message, sid = coalesce(v.sid, r.sid),
  twilio_status = coalesce(v.twilio_status, r.twilio_status),
  result_json = coalesce(v.result_json, r.result_json), updated_at = ?`;

/**
 * Journals each attempt's outcome, in `q`: the attempt's columns, and its row's state after it.
 * Each settles alone: an attempt no longer in flight (recovered as in doubt by whoever took the
 * run over) fails only its own, with the fence's error if its run's lock was taken over.
 * On PostgreSQL the whole batch is one statement (the reason is beginAttempts'); on SQLite two
 * statements an attempt.
 */
export async function finishAttempts(
  q: SqlQueries,
  context: AttemptContext,
  finishes: readonly AttemptFinish[],
): Promise<Settled<void>[]> {
  const finished =
    q.dialect.name === "postgres"
      ? await finishInOneStatement(q, context, finishes)
      : await finishOneByOne(q, context, finishes);
  const settled: Settled<void>[] = [];
  for (const { attemptId } of finishes) {
    if (finished.has(attemptId)) settled.push({ ok: true, value: undefined });
    else settled.push({ ok: false, error: await notInFlight(q, context, attemptId) });
  }
  return settled;
}

/** The error for an outcome that found its attempt no longer in flight. */
async function notInFlight(
  q: SqlQueries,
  context: AttemptContext,
  attemptId: number,
): Promise<unknown> {
  const of = await q.get<{ run_id: number }>("SELECT run_id FROM attempts WHERE id = ?", [
    attemptId,
  ]);
  try {
    if (of) await assertRunLockHeld(q, context, of.run_id);
  } catch (fenced) {
    return fenced;
  }
  return new Error(`attempt ${attemptId} is not in flight`);
}

function columns(finish: AttemptFinish) {
  const { record } = finish;
  return {
    id: finish.attemptId,
    outcome: record.outcome,
    state: ROW_STATE_AFTER[record.outcome],
    http_status: record.httpStatus,
    error_code: record.errorCode,
    error_message: record.errorMessage,
    sid: record.sid,
    twilio_status: record.twilioStatus,
    result_json:
      record.result === undefined || record.result === null ? null : JSON.stringify(record.result),
  };
}

async function finishInOneStatement(
  q: SqlQueries,
  context: AttemptContext,
  finishes: readonly AttemptFinish[],
): Promise<Set<number>> {
  const rows = await q.all<{ id: number }>(
    `WITH v AS (
       SELECT * FROM json_to_recordset(?::json) AS v(id bigint, outcome text, state text,
         http_status integer, error_code integer, error_message text, sid text,
         twilio_status text, result_json text)),
     done AS (
       UPDATE attempts a SET outcome = v.outcome, finished_at = ?, http_status = v.http_status,
         error_code = v.error_code, error_message = v.error_message, sid = v.sid,
         twilio_status = v.twilio_status
        FROM v WHERE a.id = v.id AND a.outcome = 'in_flight'
        RETURNING a.id, a.run_id, a.row_idx)
     UPDATE rows r SET ${ROW_UPDATE}
       FROM done JOIN v ON v.id = done.id
      WHERE r.run_id = done.run_id AND r.idx = done.row_idx
      RETURNING done.id`,
    [JSON.stringify(finishes.map(columns)), context.now, context.now],
  );
  return new Set(rows.map((r) => r.id));
}

async function finishOneByOne(
  q: SqlQueries,
  context: AttemptContext,
  finishes: readonly AttemptFinish[],
): Promise<Set<number>> {
  const finished = new Set<number>();
  for (const finish of finishes) {
    const v = columns(finish);
    const attempt = await q.get<{ run_id: number; row_idx: number }>(
      `UPDATE attempts SET outcome = ?, finished_at = ?, http_status = ?, error_code = ?,
         error_message = ?, sid = ?, twilio_status = ?
       WHERE id = ? AND outcome = 'in_flight' RETURNING run_id, row_idx`,
      [
        v.outcome,
        context.now,
        v.http_status,
        v.error_code,
        v.error_message,
        v.sid,
        v.twilio_status,
        v.id,
      ],
    );
    if (!attempt) continue;
    // The same assignments as PostgreSQL's, from a one-row `v` (written after SET's `?`).
    await q.run(
      `UPDATE rows AS r SET ${ROW_UPDATE}
         FROM (SELECT ? AS state, ? AS http_status, ? AS error_code, ? AS error_message,
                      ? AS sid, ? AS twilio_status, ? AS result_json) AS v
        WHERE r.run_id = ? AND r.idx = ?`,
      [
        context.now,
        v.state,
        v.http_status,
        v.error_code,
        v.error_message,
        v.sid,
        v.twilio_status,
        v.result_json,
        attempt.run_id,
        attempt.row_idx,
      ] satisfies SqlValue[],
    );
    finished.add(finish.attemptId);
  }
  return finished;
}
