import type { Journal } from "./journal.js";
import { pagesByIdx } from "./pageByIdx.js";
import { requestJsonColumn, unpackRequest } from "./requestColumn.js";

/** An in-doubt row; `Req` is what its API's reconcile reads of the request it journaled. */
export interface InDoubtRow<Req extends object = object> {
  idx: number;
  line: number;
  to: string;
  request: Req;
  /** Wall-clock ms when its first attempt now in doubt started: where the search starts. */
  firstAttemptAt: number;
  /**
   * Wall-clock ms when its latest attempt started: what the grace period is counted from, and
   * (plus the request timeout) the last moment that attempt could have created anything.
   */
  lastAttemptAt: number;
  /**
   * Wall-clock ms when its attempts ended, the latest (null while one is in flight, or none
   * recorded). An attempt ends when its answer came, its own timeout passed or a later run
   * recovered it: never before it could have created anything.
   */
  lastEndedAt: number | null;
}

interface RawInDoubtRow {
  idx: number;
  line: number;
  to_number: string;
  request_json: string;
  fields_json: string;
  updated_at: number;
  first_at: number | null;
  last_at: number | null;
  ended_at: number | null;
}

/** What an in-doubt row is read with (`FROM rows r`): its request and its attempts' times. */
const IN_DOUBT_COLUMNS = `r.idx, r.line, r.to_number, ${requestJsonColumn("r")}, r.fields_json, r.updated_at,
       (SELECT min(started_at) FROM attempts a
         WHERE a.run_id = r.run_id AND a.row_idx = r.idx AND a.outcome = 'in_doubt') AS first_at,
       (SELECT max(started_at) FROM attempts a
         WHERE a.run_id = r.run_id AND a.row_idx = r.idx) AS last_at,
       (SELECT max(finished_at) FROM attempts a
         WHERE a.run_id = r.run_id AND a.row_idx = r.idx) AS ended_at`;

/**
 * The run's in-doubt rows in file order, a page at a time. Keyed on idx, so settling the rows
 * of one page (which takes them out of in_doubt) does not shift the next.
 */
export async function* inDoubtPages<Req extends object = object>(
  journal: Journal,
  runId: number,
  pageSize = 200,
  /** Only this API's rows (whose requests are `Req`); all when absent. */
  api?: string,
): AsyncGenerator<InDoubtRow<Req>[]> {
  const page = `SELECT ${IN_DOUBT_COLUMNS}
     FROM rows r ${journal.dialect.indexedBy("rows_state")}
     WHERE r.run_id = ? AND r.state = 'in_doubt' AND (CAST(? AS TEXT) IS NULL OR r.api = ?) AND r.idx > ?
     ORDER BY r.idx LIMIT ?`;
  const only = api ?? null;
  for await (const rows of pagesByIdx<RawInDoubtRow>(
    journal.sql,
    page,
    [runId, only, only],
    pageSize,
  )) {
    yield rows.map((r) => inDoubtRow<Req>(r));
  }
}

function inDoubtRow<Req extends object>(r: RawInDoubtRow): InDoubtRow<Req> {
  const last = r.last_at ?? r.updated_at;
  return {
    idx: r.idx,
    line: r.line,
    to: r.to_number,
    request: unpackRequest(r.request_json, r.to_number, r.fields_json) as Req,
    firstAttemptAt: r.first_at ?? last,
    lastAttemptAt: last,
    lastEndedAt: r.ended_at,
  };
}

/**
 * The recipients of the run's in-doubt rows, each once, in the order of their first row. Only
 * the numbers are kept, not the rows: a run whose every request failed has a million in doubt.
 */
export async function inDoubtRecipients(
  journal: Journal,
  runId: number,
  api?: string,
): Promise<string[]> {
  const page = `SELECT idx, to_number FROM rows ${journal.dialect.indexedBy("rows_state")}
     WHERE run_id = ? AND state = 'in_doubt' AND (CAST(? AS TEXT) IS NULL OR api = ?) AND idx > ?
     ORDER BY idx LIMIT ?`;
  const only = api ?? null;
  const recipients = new Set<string>();
  for await (const rows of pagesByIdx<{ idx: number; to_number: string | null }>(
    journal.sql,
    page,
    [runId, only, only],
    1000,
  )) {
    for (const row of rows) if (row.to_number !== null) recipients.add(row.to_number);
  }
  return [...recipients];
}

/**
 * The run's in-doubt rows to one recipient, wherever they are in the file: rows to one number
 * must be decided together, or two of them each take the other's message for a duplicate.
 */
export async function inDoubtTo<Req extends object = object>(
  journal: Journal,
  runId: number,
  to: string,
  api?: string,
): Promise<InDoubtRow<Req>[]> {
  const only = api ?? null;
  // rows_to holds attempted rows only (schema.ts): every row in doubt, in flight or with a sid
  // has been attempted, and `attempts > 0` lets both planners use it.
  const rows = await journal.sql.all<RawInDoubtRow>(
    `SELECT ${IN_DOUBT_COLUMNS}
     FROM rows r ${journal.dialect.indexedBy("rows_to")}
     WHERE r.run_id = ? AND r.to_number = ? AND r.attempts > 0 AND r.state = 'in_doubt' AND (CAST(? AS TEXT) IS NULL OR r.api = ?)
     ORDER BY r.idx`,
    [runId, to, only, only],
  );
  return rows.map((r) => inDoubtRow<Req>(r));
}

/**
 * Other runs' rows of one API to a recipient whose create may have reached Twilio: in doubt, or
 * with an attempt still in flight (a process that crashed, or another sending now, keeps such a
 * row pending). What they may have made is in the same list, unknown to the journal, and must
 * not be taken for this run's rows without a doubt. A row in flight is searched for from the
 * start of that attempt.
 */
export async function inDoubtElsewhere<Req extends object = object>(
  journal: Journal,
  runId: number,
  to: string,
  api: string,
): Promise<(InDoubtRow<Req> & { runId: number })[]> {
  // Per run, rows_to finds the recipient's rows, and attempts_row their attempts.
  const rows = await journal.sql.all<RawInDoubtRow & { run_id: number }>(
    `SELECT * FROM (
       SELECT r.run_id, r.idx, r.line, r.to_number, ${requestJsonColumn("r")}, r.fields_json, r.updated_at,
         r.state,
         (SELECT min(started_at) FROM attempts a
           WHERE a.run_id = r.run_id AND a.row_idx = r.idx
             AND a.outcome = CASE r.state WHEN 'in_doubt' THEN 'in_doubt' ELSE 'in_flight' END)
           AS first_at,
         (SELECT max(started_at) FROM attempts a
           WHERE a.run_id = r.run_id AND a.row_idx = r.idx) AS last_at,
         (SELECT max(finished_at) FROM attempts a
           WHERE a.run_id = r.run_id AND a.row_idx = r.idx) AS ended_at
       FROM runs u CROSS JOIN rows r ${journal.dialect.indexedBy("rows_to")}
       WHERE r.run_id = u.id AND u.id <> ? AND r.to_number = ? AND r.attempts > 0 AND r.api = ?
         AND r.state IN ('in_doubt', 'pending')) AS candidates
     WHERE state = 'in_doubt' OR first_at IS NOT NULL`,
    [runId, to, api],
  );
  return rows.map((r) => ({ ...inDoubtRow<Req>(r), runId: r.run_id }));
}

/**
 * Every sid the journal has ever had for a recipient, in any run: what its rows hold now (their
 * message, call or execution and any duplicates) and what their attempts recorded, such as the
 * undelivered message of a row that `retry` sent again. A listed resource with one of these is
 * known, never an in-doubt row's: taking it would mark the row sent with what is another row's,
 * another run's (yesterday's list to the same number), or what already failed. Per recipient,
 * as matching is: a resource to another number never matches.
 */
export async function knownSids(journal: Journal, to: string): Promise<Set<string>> {
  // Once per recipient: for each run (a journal has a few hundred at most), rows_to and
  // attempts_row look at the recipient's rows and their attempts only; CROSS JOIN keeps that
  // order, never every row or attempt of a run.
  const byTo = journal.dialect.indexedBy("rows_to");
  const rows = await journal.sql.all<{ sid: string | null; duplicate_sids: string | null }>(
    `SELECT r.sid, r.duplicate_sids FROM runs u CROSS JOIN rows r ${byTo}
      WHERE r.run_id = u.id AND r.to_number = ? AND r.attempts > 0
        AND (r.sid IS NOT NULL OR r.duplicate_sids IS NOT NULL)
     UNION ALL
     SELECT a.sid, NULL FROM runs u CROSS JOIN rows r ${byTo}
       ${journal.dialect.orderedJoin} attempts a ON a.run_id = r.run_id AND a.row_idx = r.idx
      WHERE r.run_id = u.id AND r.to_number = ? AND r.attempts > 0 AND a.sid IS NOT NULL`,
    [to, to],
  );
  const sids = new Set<string>();
  for (const row of rows) {
    if (row.sid) sids.add(row.sid);
    if (row.duplicate_sids)
      for (const sid of JSON.parse(row.duplicate_sids) as string[]) sids.add(sid);
  }
  return sids;
}

/** Found in Twilio's list: sent, with the message's sid, and any duplicates kept as JSON. */
export async function settleSent(
  journal: Journal,
  runId: number,
  idx: number,
  found: { sid: string; status: string | null; duplicates: readonly string[] },
  now = Date.now(),
): Promise<boolean> {
  const info = await journal.sql.run(
    `UPDATE rows SET state = 'sent', sid = ?, twilio_status = ?, duplicate_sids = ?,
       http_status = NULL, error_code = NULL, error_message = NULL, updated_at = ?
     WHERE run_id = ? AND idx = ? AND state = 'in_doubt'`,
    [
      found.sid,
      found.status,
      found.duplicates.length > 0 ? JSON.stringify(found.duplicates) : null,
      now,
      runId,
      idx,
    ],
  );
  return info.changes > 0;
}

/**
 * Not at Twilio: pending again, so the next `send` of the run sends it. A run that had finished
 * is open again, or that send would say there is nothing left to do.
 */
export function settlePending(
  journal: Journal,
  runId: number,
  idx: number,
  reason: string,
  now = Date.now(),
): Promise<boolean> {
  return journal.sql.transaction(async (tx) => {
    const info = await tx.run(
      `UPDATE rows SET state = 'pending', http_status = NULL, error_code = NULL,
         error_message = ?, updated_at = ?
       WHERE run_id = ? AND idx = ? AND state = 'in_doubt'`,
      [reason, now, runId, idx],
    );
    if (info.changes === 0) return false;
    await tx.run(
      `UPDATE runs SET phase = 'ready', finished_at = NULL, updated_at = ?
       WHERE id = ? AND phase = 'finished'`,
      [now, runId],
    );
    return true;
  });
}

/** The APIs of the run's in-doubt rows, with how many each. */
export async function inDoubtByApi(journal: Journal, runId: number): Promise<Map<string, number>> {
  const rows = await journal.sql.all<{ api: string; n: number }>(
    "SELECT api, count(*) AS n FROM rows WHERE run_id = ? AND state = 'in_doubt' GROUP BY api ORDER BY api",
    [runId],
  );
  return new Map(rows.map((r) => [r.api, r.n]));
}
