import type { Journal, NewRow } from "../../src/journal/journal.js";

/**
 * A pending message row for a test run, as the pre-flight would journal it: line idx + 2, body
 * `hi <idx>`, a dedupe key of its own. `to` defaults to a number of its own per row.
 */
export function pendingRow(idx: number, to = `+1415555${String(1000 + idx)}`): NewRow {
  return {
    idx,
    line: idx + 2,
    to,
    request: { to, from: "+15005550006", body: `hi ${idx}` },
    fields: { to },
    dedupeKey: `k${idx}`,
    segments: 1,
    state: "pending",
    reason: null,
  };
}

/** A new run of `list.csv` in the journal, ready for rows: its id. */
export async function newTestRun(journal: Journal): Promise<number> {
  const run = await journal.createRun({
    name: null,
    inputPath: "list.csv",
    inputFormat: "csv",
    options: {},
    identity: "id",
  });
  return run.id;
}
