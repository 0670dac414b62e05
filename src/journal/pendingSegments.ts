import type { Journal } from "./journal.js";

/** Pending rows of a run whose numbers start alike, with one of those numbers to classify them. */
export interface PendingSegments {
  /** "+" and the first 7 digits: enough to tell countries apart, even inside +1 and +7. */
  prefix: string;
  sample: string;
  rows: number;
  segments: number;
}

/**
 * The segments still to send, grouped by number prefix rather than by number: a handful of
 * groups for a list of millions, each named by a sample number the caller can place in a
 * country. Read from the journal, so a resumed run is estimated as exactly as a new one.
 */
export function pendingSegments(journal: Journal, runId: number): Promise<PendingSegments[]> {
  return journal.sql.all<PendingSegments>(
    `SELECT substr(to_number, 1, 8) AS prefix, min(to_number) AS sample,
            count(*) AS rows, coalesce(sum(segments), 0) AS segments
       FROM rows
      WHERE run_id = ? AND state = 'pending' AND to_number IS NOT NULL
      GROUP BY prefix
      ORDER BY prefix`,
    [runId],
  );
}
