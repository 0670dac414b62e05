import type { Journal } from "./journal.js";

/** A run's pending rows counted by API, for the cost line and the confirmation question. */
export function pendingByApi(journal: Journal, runId: number): Record<string, number> {
  const rows = journal.db
    .prepare(
      "SELECT api, count(*) AS n FROM rows WHERE run_id = ? AND state = 'pending' GROUP BY api ORDER BY api",
    )
    .all(runId) as { api: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.api, r.n]));
}
