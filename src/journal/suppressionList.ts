import { cachedStatement } from "./cachedStatement.js";
import type { Journal } from "./journal.js";

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
 * its run) is the one worth keeping. Returns whether it was added.
 */
export function addSuppression(journal: Journal, entry: Omit<Suppression, "addedAt">): boolean {
  return (
    cachedStatement(
      journal.db,
      `INSERT INTO suppressions (number, code, reason, run_id, added_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (number) DO NOTHING`,
    ).run(entry.number, entry.code, entry.reason, entry.runId, Date.now()).changes > 0
  );
}

/** Adds many numbers in one transaction; returns how many were new. */
export function addSuppressions(
  journal: Journal,
  entries: readonly Omit<Suppression, "addedAt">[],
): number {
  return journal.db
    .transaction(() => entries.filter((entry) => addSuppression(journal, entry)).length)
    .immediate();
}

/** Returns whether the number was on the list. */
export function removeSuppression(journal: Journal, number: string): boolean {
  return (
    cachedStatement(journal.db, "DELETE FROM suppressions WHERE number = ?").run(number).changes > 0
  );
}

export function listSuppressions(journal: Journal): Suppression[] {
  const rows = cachedStatement(
    journal.db,
    "SELECT number, code, reason, run_id, added_at FROM suppressions ORDER BY added_at, number",
  ).all() as SuppressionRow[];
  return rows.map((r) => ({
    number: r.number,
    code: r.code,
    reason: r.reason,
    runId: r.run_id,
    addedAt: r.added_at,
  }));
}

/** How many numbers a run's answers put on the list. */
export function countSuppressionsByRun(journal: Journal, runId: number): number {
  const row = cachedStatement(
    journal.db,
    "SELECT count(*) AS n FROM suppressions WHERE run_id = ?",
  ).get(runId) as { n: number };
  return row.n;
}
