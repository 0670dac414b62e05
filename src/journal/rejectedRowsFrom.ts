import type { Journal, NewRow } from "./journal.js";
import { pageByIdx } from "./pageByIdx.js";

interface RawRejected {
  idx: number;
  line: number;
  api: string;
  to_number: string | null;
  fields_json: string;
  state: "invalid" | "skipped";
  reason: string | null;
}

/**
 * The run's invalid and skipped rows from `idx` on, in file order, as the pre-flight decided
 * them: for a listing that cannot be told them as they are read, because a row's being a
 * duplicate is confirmed at the end (confirmDuplicates). Its request and key are left out.
 */
export async function* rejectedRowsFrom(
  journal: Journal,
  runId: number,
  idx: number,
): AsyncGenerator<NewRow> {
  const page = `SELECT idx, line, api, to_number, fields_json, state, reason FROM rows
     WHERE run_id = ? AND idx >= ? AND state IN ('invalid', 'skipped') AND idx > ?
     ORDER BY idx LIMIT ?`;
  for await (const r of pageByIdx<RawRejected>(journal.sql, page, [runId, idx], 500)) {
    yield {
      idx: r.idx,
      line: r.line,
      api: r.api,
      to: r.to_number,
      request: null,
      fields: JSON.parse(r.fields_json) as Record<string, unknown>,
      dedupeKey: null,
      segments: 0,
      state: r.state,
      reason: r.reason,
    };
  }
}
