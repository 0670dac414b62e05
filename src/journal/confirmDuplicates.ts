import { storedKey } from "./dedupeKeys.js";
import type { Journal } from "./journal.js";
import { pagesByIdx } from "./pageByIdx.js";

/** A candidate that repeats an earlier row's dedupe key, now skipped. */
export interface Duplicate {
  idx: number;
  /** The line of the run's first row with the key. */
  earlier: number;
  api: string;
  segments: number;
}

/** Rows read a page at a time: few round trips, and a page of keys is a few hundred kB. */
const PAGE = 5000;

/**
 * Decides the pre-flight's candidates (pending rows whose key its filter could not clear) in one
 * pass over the run's rows in file order, instead of an index look-up per row: a candidate is a
 * duplicate when an earlier row of the run has its key, and is then skipped as the duplicate of
 * the first such row. Memory is the candidates' keys, and the pass stops at the last candidate.
 * `candidates` are in idx order, each with its key as storedKey spells it.
 */
export async function confirmDuplicates(
  journal: Journal,
  runId: number,
  candidates: ReadonlyMap<number, string>,
): Promise<Duplicate[]> {
  if (candidates.size === 0) return [];
  const first = new Map<string, number>();
  const duplicates: Duplicate[] = [];
  let last = 0;
  for (const idx of candidates.keys()) last = idx;
  // The database reads the keys and hands over the few rows with a candidate's: a row object
  // for each of a million rows took several times as long as the rest of the pass.
  const keys = JSON.stringify([...new Set(candidates.values())]);
  const page = `SELECT idx, line, api, segments, dedupe_key FROM rows
     WHERE run_id = ? AND idx <= ? AND ${journal.dialect.bytesInJsonArray("dedupe_key")}
       AND idx > ? ORDER BY idx LIMIT ?`;
  type Keyed = {
    idx: number;
    line: number;
    api: string;
    segments: number;
    dedupe_key: Buffer | string;
  };
  for await (const rows of pagesByIdx<Keyed>(journal.sql, page, [runId, last, keys], PAGE)) {
    for (const row of rows) {
      const key = storedKey(row.dedupe_key);
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, row.line);
      else if (candidates.has(row.idx)) {
        duplicates.push({ idx: row.idx, earlier, api: row.api, segments: row.segments });
      }
    }
  }
  if (duplicates.length > 0) {
    // Not durable, as the rows' own inserts: a run still preparing is pre-flighted again.
    await journal.sql.transaction(
      (tx) =>
        tx.runMany(
          "UPDATE rows SET state = 'skipped', reason = ? WHERE run_id = ? AND idx = ?",
          duplicates.map((d) => [`duplicate of line ${d.earlier}`, runId, d.idx]),
        ),
      { durable: false },
    );
  }
  return duplicates;
}
