import type { SqlParams, SqlQueries } from "./sql/sqlClient.js";

/**
 * Runs `sql` page by page, keyed on idx: it must take the last idx seen and the page size as its
 * last two parameters (`… AND idx > ? ORDER BY idx LIMIT ?`) and return rows in idx order.
 * Yields each non-empty page; the next page is read only once the caller asks for it.
 */
export async function* pagesByIdx<R extends { idx: number }>(
  q: SqlQueries,
  sql: string,
  params: SqlParams,
  pageSize: number,
): AsyncGenerator<R[]> {
  // Keyset paging, not one cursor: the callers write between rows (on SQLite's one connection
  // a statement that iterates blocks writes), and changing a row's state must not shift a page.
  let after = -1;
  for (;;) {
    const rows = await q.all<R>(sql, [...params, after, pageSize]);
    const last = rows.at(-1);
    if (last === undefined) return;
    after = last.idx;
    yield rows;
    if (rows.length < pageSize) return;
  }
}

/** The rows of `pagesByIdx`, one at a time. */
export async function* pageByIdx<R extends { idx: number }>(
  q: SqlQueries,
  sql: string,
  params: SqlParams,
  pageSize: number,
): AsyncGenerator<R> {
  for await (const rows of pagesByIdx<R>(q, sql, params, pageSize)) yield* rows;
}
