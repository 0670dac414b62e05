import type { SqlQueries } from "./sql/sqlClient.js";

/**
 * The start times (`attempts.started_at`, the writer's wall clock in ms) of the `count` latest
 * attempts in the journal, oldest first: the record a restarted sender's bucket resumes from.
 *
 * Every run's, whatever its account: runs do not record one (a run may be resumed with other
 * credentials), and a journal is normally one account's. Another account's starts counted here
 * can only slow the first second after a start, never let it burst.
 *
 * The latest by id, not by started_at: ids only grow, and an attempt's id and time are taken in
 * the same write transaction, which SQLite runs one at a time, so the order is the same. Read
 * backwards through the table's own key, the query stops after `count` rows: no index is needed
 * on a journal of millions of attempts.
 */
export async function recentStarts(sql: SqlQueries, count: number): Promise<number[]> {
  const rows = await sql.all<{ started_at: number | bigint }>(
    "SELECT started_at FROM attempts ORDER BY id DESC LIMIT ?",
    [count],
  );
  return rows.map((r) => Number(r.started_at)).sort((a, b) => a - b);
}
