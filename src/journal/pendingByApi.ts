import type { Journal } from "./journal.js";

/** A run's pending rows counted by API, for the cost line and the confirmation question. */
export async function pendingByApi(
  journal: Journal,
  runId: number,
): Promise<Record<string, number>> {
  const rows = await journal.sql.all<{ api: string; n: number }>(
    "SELECT api, count(*) AS n FROM rows WHERE run_id = ? AND state = 'pending' GROUP BY api ORDER BY api",
    [runId],
  );
  return Object.fromEntries(rows.map((r) => [r.api, r.n]));
}
