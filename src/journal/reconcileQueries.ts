import type { MessageRequest } from "../core/messageRequest.js";
import type { Journal } from "./journal.js";

/** An in-doubt row with the times of its attempts, as reconcile needs it. */
export interface InDoubtRow {
  idx: number;
  line: number;
  to: string;
  request: MessageRequest;
  dedupeKey: string | null;
  /** Wall-clock ms when its first attempt now in doubt started: where the search starts. */
  firstAttemptAt: number;
  /** Wall-clock ms when its latest attempt started: what the grace period is counted from. */
  lastAttemptAt: number;
}

/**
 * The run's in-doubt rows in file order, a page at a time. Keyed on idx, so settling the rows
 * of one page (which takes them out of in_doubt) does not shift the next.
 */
export function* inDoubtPages(
  journal: Journal,
  runId: number,
  pageSize = 200,
): Generator<InDoubtRow[]> {
  const page = journal.db.prepare(
    `SELECT r.idx, r.line, r.to_number, r.request_json, r.dedupe_key, r.updated_at,
       (SELECT min(started_at) FROM attempts a
         WHERE a.run_id = r.run_id AND a.row_idx = r.idx AND a.outcome = 'in_doubt') AS first_at,
       (SELECT max(started_at) FROM attempts a
         WHERE a.run_id = r.run_id AND a.row_idx = r.idx) AS last_at
     FROM rows r
     WHERE r.run_id = ? AND r.state = 'in_doubt' AND r.idx > ?
     ORDER BY r.idx LIMIT ?`,
  );
  let after = -1;
  for (;;) {
    const rows = page.all(runId, after, pageSize) as {
      idx: number;
      line: number;
      to_number: string;
      request_json: string;
      dedupe_key: string | null;
      updated_at: number;
      first_at: number | null;
      last_at: number | null;
    }[];
    if (rows.length === 0) return;
    after = rows.at(-1)!.idx;
    yield rows.map((r) => {
      const last = r.last_at ?? r.updated_at;
      return {
        idx: r.idx,
        line: r.line,
        to: r.to_number,
        request: JSON.parse(r.request_json) as MessageRequest,
        dedupeKey: r.dedupe_key,
        firstAttemptAt: r.first_at ?? last,
        lastAttemptAt: last,
      };
    });
    if (rows.length < pageSize) return;
  }
}

/**
 * Message sids already given to rows of the run that ask for the same message (same dedupe
 * key): a listed message with one of these is theirs, not an in-doubt row's.
 */
export function knownSids(journal: Journal, runId: number, dedupeKey: string | null): Set<string> {
  const sids = new Set<string>();
  if (dedupeKey === null) return sids;
  const rows = journal.db
    .prepare(
      `SELECT sid, duplicate_sids FROM rows
       WHERE run_id = ? AND dedupe_key = ? AND (sid IS NOT NULL OR duplicate_sids IS NOT NULL)`,
    )
    .all(runId, dedupeKey) as { sid: string | null; duplicate_sids: string | null }[];
  for (const row of rows) {
    if (row.sid) sids.add(row.sid);
    if (row.duplicate_sids)
      for (const sid of JSON.parse(row.duplicate_sids) as string[]) sids.add(sid);
  }
  return sids;
}

/** Found in Twilio's list: sent, with the message's sid, and any duplicates kept as JSON. */
export function settleSent(
  journal: Journal,
  runId: number,
  idx: number,
  found: { sid: string; status: string | null; duplicates: readonly string[] },
  now = Date.now(),
): boolean {
  const info = journal.db
    .prepare(
      `UPDATE rows SET state = 'sent', sid = ?, twilio_status = ?, duplicate_sids = ?,
         http_status = NULL, error_code = NULL, error_message = NULL, updated_at = ?
       WHERE run_id = ? AND idx = ? AND state = 'in_doubt'`,
    )
    .run(
      found.sid,
      found.status,
      found.duplicates.length > 0 ? JSON.stringify(found.duplicates) : null,
      now,
      runId,
      idx,
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
): boolean {
  return journal.db
    .transaction(() => {
      const info = journal.db
        .prepare(
          `UPDATE rows SET state = 'pending', http_status = NULL, error_code = NULL,
             error_message = ?, updated_at = ?
           WHERE run_id = ? AND idx = ? AND state = 'in_doubt'`,
        )
        .run(reason, now, runId, idx);
      if (info.changes === 0) return false;
      journal.db
        .prepare(
          `UPDATE runs SET phase = 'ready', finished_at = NULL, updated_at = ?
           WHERE id = ? AND phase = 'finished'`,
        )
        .run(now, runId);
      return true;
    })
    .immediate();
}
