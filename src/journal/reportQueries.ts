import { emptyCounts, type RowState, type StateCounts } from "../core/rowState.js";
import type { Journal } from "./journal.js";
import { pageByIdx } from "./pageByIdx.js";

/** Rows that went wrong alike: the same stage, state, Twilio code and HTTP status. */
export interface ErrorGroup {
  /** `send`: the create's answer; `delivery`: what became of an accepted message. */
  stage: "send" | "delivery";
  /** The row's state (send), or the message's status (delivery). */
  state: string;
  code: number | null;
  status: number | null;
  count: number;
  /** One of the group's error messages, for codes twilio-bulk does not know. */
  sample: string | null;
}

/**
 * Failed and in-doubt rows, pending rows whose last attempt got an error (a stopped or
 * interrupted run), and accepted messages that were not delivered, grouped.
 */
export function errorGroups(journal: Journal, runId: number, api?: string): Promise<ErrorGroup[]> {
  // `? IS NULL OR api = ?`: one statement for the run's errors and for one API's.
  const only = api ?? null;
  return journal.sql.all<ErrorGroup>(
    `SELECT 'send' AS stage, state, error_code AS code, http_status AS status, count(*) AS count,
            min(error_message) AS sample
       FROM rows
      WHERE run_id = ? AND (state IN ('failed', 'in_doubt')
            OR (state = 'pending' AND (error_code IS NOT NULL OR http_status IS NOT NULL)))
        AND (CAST(? AS TEXT) IS NULL OR api = ?)
      GROUP BY state, error_code, http_status
     UNION ALL
     SELECT 'delivery', delivery_status, delivery_error_code, NULL, count(*), NULL
       FROM rows
      WHERE run_id = ? AND state = 'sent' AND delivery_status IN ('undelivered', 'failed')
        AND (CAST(? AS TEXT) IS NULL OR api = ?)
      GROUP BY delivery_status, delivery_error_code
     ORDER BY count DESC, code`,
    [runId, only, only, runId, only, only],
  );
}

/** The run's rows by API, then state. */
export async function countsByApi(
  journal: Journal,
  runId: number,
): Promise<Record<string, StateCounts>> {
  const rows = await journal.sql.all<{ api: string; state: RowState; n: number }>(
    "SELECT api, state, count(*) AS n FROM rows WHERE run_id = ? GROUP BY api, state ORDER BY api",
    [runId],
  );
  const byApi: Record<string, StateCounts> = {};
  for (const { api, state, n } of rows) {
    const counts = byApi[api] ?? emptyCounts();
    byApi[api] = counts;
    if (state in counts) counts[state] = n;
  }
  return byApi;
}

/** Sent rows by what Twilio last said of their message; `unchecked` when `status` never asked. */
export async function deliveryCounts(
  journal: Journal,
  runId: number,
): Promise<Record<string, number>> {
  const rows = await journal.sql.all<{ status: string; n: number }>(
    `SELECT coalesce(delivery_status, 'unchecked') AS status, count(*) AS n FROM rows
      WHERE run_id = ? AND state = 'sent' GROUP BY 1 ORDER BY 2 DESC, 1`,
    [runId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Skipped rows by why: a duplicate, a suppressed number, or another reason. */
export async function skippedCounts(
  journal: Journal,
  runId: number,
): Promise<Record<string, number>> {
  const rows = await journal.sql.all<{ why: string; n: number }>(
    `SELECT CASE WHEN reason LIKE 'duplicate%' THEN 'duplicate'
                 WHEN reason LIKE 'suppressed%' THEN 'suppressed'
                 ELSE 'other' END AS why, count(*) AS n
       FROM rows WHERE run_id = ? AND state = 'skipped' GROUP BY 1 ORDER BY 2 DESC, 1`,
    [runId],
  );
  return Object.fromEntries(rows.map((r) => [r.why, r.n]));
}

/** One row as `report --rows` shows it. */
export interface JournalRow {
  idx: number;
  line: number;
  /** The Twilio API it was for. @default DEFAULT_API */
  api?: string;
  /** What the operation kept of its answer (parsed JSON), or null. */
  result?: unknown;
  to: string | null;
  state: RowState;
  reason: string | null;
  httpStatus: number | null;
  errorCode: number | null;
  errorMessage: string | null;
  sid: string | null;
  attempts: number;
  deliveryStatus: string | null;
  deliveryErrorCode: number | null;
  /** The row's original columns, as the input had them. */
  fields: Record<string, string | string[]>;
}

interface RawRow {
  idx: number;
  line: number;
  api: string;
  result_json: string | null;
  to_number: string | null;
  state: RowState;
  reason: string | null;
  http_status: number | null;
  error_code: number | null;
  error_message: string | null;
  sid: string | null;
  attempts: number;
  delivery_status: string | null;
  delivery_error_code: number | null;
  fields_json: string;
}

/** Every row of a run in file order, a page at a time, so memory stays flat. */
export async function* journalRows(
  journal: Journal,
  runId: number,
  pageSize = 1000,
): AsyncGenerator<JournalRow> {
  const page = `SELECT idx, line, api, result_json, to_number, state, reason, http_status, error_code, error_message, sid,
            attempts, delivery_status, delivery_error_code, fields_json
       FROM rows WHERE run_id = ? AND idx > ? ORDER BY idx LIMIT ?`;
  for await (const r of pageByIdx<RawRow>(journal.sql, page, [runId], pageSize)) {
    yield {
      idx: r.idx,
      line: r.line,
      api: r.api,
      result: r.result_json === null ? null : JSON.parse(r.result_json),
      to: r.to_number,
      state: r.state,
      reason: r.reason,
      httpStatus: r.http_status,
      errorCode: r.error_code,
      errorMessage: r.error_message,
      sid: r.sid,
      attempts: r.attempts,
      deliveryStatus: r.delivery_status,
      deliveryErrorCode: r.delivery_error_code,
      fields: JSON.parse(r.fields_json) as Record<string, string | string[]>,
    };
  }
}

/**
 * The names of the run's original columns, in the order they first appear (a CSV's header;
 * for JSON, every key any row has).
 */
export async function fieldColumns(journal: Journal, runId: number): Promise<string[]> {
  const rows = await journal.sql.all<{ name: string }>(
    `SELECT f.key AS name FROM rows, ${journal.dialect.jsonKeys("rows.fields_json", "f")}
      WHERE rows.run_id = ? GROUP BY f.key ORDER BY min(rows.idx), min(f.id)`,
    [runId],
  );
  return rows.map((r) => r.name);
}
