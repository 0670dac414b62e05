import type Database from "better-sqlite3";

/**
 * Runs `statement` page by page, keyed on idx: it must take the last idx seen and the page size
 * as its last two parameters (`… AND idx > ? ORDER BY idx LIMIT ?`) and return rows in idx order.
 * Yields each non-empty page; the next page is read only once the caller asks for it.
 */
export function* pagesByIdx<R extends { idx: number }>(
  statement: Database.Statement,
  params: readonly unknown[],
  pageSize: number,
): Generator<R[]> {
  // Keyset paging, not one iterate(): better-sqlite3 cannot write while a statement iterates,
  // and the callers write between rows (and changing a row's state must not shift the next page).
  let after = -1;
  for (;;) {
    const rows = statement.all(...params, after, pageSize) as R[];
    const last = rows.at(-1);
    if (last === undefined) return;
    after = last.idx;
    yield rows;
    if (rows.length < pageSize) return;
  }
}

/** The rows of `pagesByIdx`, one at a time. */
export function* pageByIdx<R extends { idx: number }>(
  statement: Database.Statement,
  params: readonly unknown[],
  pageSize: number,
): Generator<R> {
  for (const rows of pagesByIdx<R>(statement, params, pageSize)) yield* rows;
}
