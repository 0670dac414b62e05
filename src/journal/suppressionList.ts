import type { Journal } from "./journal.js";
import type { SqlQueries } from "./sql/sqlClient.js";

/** A number that must never be texted again, and why. */
export interface Suppression {
  /** E.164. */
  number: string;
  /** The Twilio error that put it here (21610, 21614, 30006), or null when added by hand. */
  code: number | null;
  reason: string;
  /** The run whose answer put it here, or null. */
  runId: number | null;
  /** Milliseconds since the epoch. */
  addedAt: number;
}

interface SuppressionRow {
  number: string;
  code: number | null;
  reason: string;
  run_id: number | null;
  added_at: number;
}

/**
 * Adds a number unless it is already there: the first entry (the opt-out that caused it, with
 * its run) is the one worth keeping. Returns whether it was added. `q`: the caller's transaction.
 */
export async function addSuppression(
  journal: Journal,
  entry: Omit<Suppression, "addedAt">,
  q: SqlQueries = journal.sql,
): Promise<boolean> {
  const { changes } = await q.run(
    `INSERT INTO suppressions (number, code, reason, run_id, added_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (number) DO NOTHING`,
    [entry.number, entry.code, entry.reason, entry.runId, Date.now()],
  );
  return changes > 0;
}

/** Adds many numbers in one transaction; returns how many were new. */
export function addSuppressions(
  journal: Journal,
  entries: readonly Omit<Suppression, "addedAt">[],
): Promise<number> {
  return journal.sql.transaction(async (tx) => {
    let added = 0;
    for (const entry of entries) if (await addSuppression(journal, entry, tx)) added++;
    return added;
  });
}

/** Why each of `numbers` that is on the list must not be texted (one query for them all). */
export async function suppressionsOf(
  journal: Journal,
  numbers: readonly string[],
): Promise<Map<string, string>> {
  const rows = await journal.sql.all<{ number: string; reason: string }>(
    `SELECT number, reason FROM suppressions WHERE ${journal.dialect.inJsonArray("number")}`,
    [JSON.stringify(numbers)],
  );
  return new Map(rows.map((r) => [r.number, r.reason]));
}

/** Returns whether the number was on the list. */
export async function removeSuppression(journal: Journal, number: string): Promise<boolean> {
  return (await journal.sql.run("DELETE FROM suppressions WHERE number = ?", [number])).changes > 0;
}

export async function listSuppressions(journal: Journal): Promise<Suppression[]> {
  const rows = await journal.sql.all<SuppressionRow>(
    "SELECT number, code, reason, run_id, added_at FROM suppressions ORDER BY added_at, number",
  );
  return rows.map((r) => ({
    number: r.number,
    code: r.code,
    reason: r.reason,
    runId: r.run_id,
    addedAt: r.added_at,
  }));
}

/** How many numbers a run's answers put on the list. */
export async function countSuppressionsByRun(journal: Journal, runId: number): Promise<number> {
  const row = await journal.sql.get<{ n: number }>(
    "SELECT count(*) AS n FROM suppressions WHERE run_id = ?",
    [runId],
  );
  return row?.n ?? 0;
}
