import { decideRetry, type RetryFilter } from "../core/decideRetry.js";
import { errorInfo } from "../core/errorCatalog.js";
import type { StateCounts } from "../core/rowState.js";
import type { Journal } from "../journal/journal.js";
import { type RequeueAction, type RetryRow, retryCandidates } from "../journal/retryRows.js";
import type { SqlQueries } from "../journal/sql/sqlClient.js";

/** What retry chose, counted: no row is held, whatever the size of the run. */
export interface RetryTally {
  /** Rows to send again (or, once requeued, that moved back to pending). */
  selected: number;
  /** Pending rows whose number is now suppressed: they become skipped. */
  skipped: number;
  /** Permanent codes the operator named, with how many selected rows carry each. */
  namedPermanent: Map<number, number>;
  /** Rows that matched but are left alone, by why (and code, for permanent ones). */
  leftPermanent: Map<number, number>;
  leftSuppressed: number;
  /** In-doubt rows left alone: every one, unless `--state in_doubt` names them. */
  inDoubt: number;
  /** In-doubt rows selected on purpose (`--state in_doubt`): each may reach its person twice. */
  namedInDoubt: number;
}

export function emptyTally(): RetryTally {
  return {
    selected: 0,
    skipped: 0,
    namedPermanent: new Map(),
    leftPermanent: new Map(),
    leftSuppressed: 0,
    inDoubt: 0,
    namedInDoubt: 0,
  };
}

/**
 * Runs retry's decision over every candidate row of the run, in file order, a page at a time,
 * counting into `tally` and yielding what to do with each row it selects: `requeueRows` acts
 * on them, the dry run lists them. Reads only; the caller may write between rows.
 */
export async function* selectRetryRows(
  journal: Journal,
  runId: number,
  filter: RetryFilter,
  tally: RetryTally,
  options: { pageSize?: number; q?: SqlQueries } = {},
): AsyncGenerator<RequeueAction & { row: RetryRow }> {
  // Through the caller's transaction when it has one: the journal's own connection waits on it.
  const q = options.q ?? journal.sql;
  for await (const row of retryCandidates(q, runId, options.pageSize)) {
    // In-doubt rows too: one named with `--state in_doubt` whose number opted out stays in doubt.
    const suppression = await journal.suppressionOf(row.to, q);
    const decision = decideRetry({ ...row, suppressed: suppression !== undefined }, filter);
    switch (decision.kind) {
      case "retry":
        tally.selected++;
        if (row.state === "in_doubt") tally.namedInDoubt++;
        if (decision.namedCode !== null) bump(tally.namedPermanent, decision.namedCode);
        yield { kind: "retry", idx: row.idx, state: row.state, row };
        break;
      case "skip":
        tally.skipped++;
        yield {
          kind: "skip",
          idx: row.idx,
          reason: `suppressed: ${suppression?.reason ?? ""}`,
          row,
        };
        break;
      case "leave":
        if (decision.why === "in_doubt") tally.inDoubt++;
        else if (decision.why === "suppressed") tally.leftSuppressed++;
        else if (decision.why === "permanent" && decision.code !== null) {
          bump(tally.leftPermanent, decision.code);
        }
        break;
    }
  }
}

function bump(counts: Map<number, number>, key: number): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

export interface CodeCount {
  code: number;
  count: number;
  meaning: string;
}

/** What retry chose, as `--json` shows it under `retry`. */
export interface RetryChoice {
  /** Rows sent again (or, in a dry run, that would be). */
  selected: number;
  /** Pending rows whose number is suppressed: marked skipped, never sent. */
  skippedSuppressed: number;
  /** Permanent codes named with --code: retried, with a warning. */
  namedPermanent: CodeCount[];
  leftAlone: { permanent: CodeCount[]; suppressed: number; inDoubt: number };
  /** Where the selected rows stand after this command (null in a dry run). */
  counts: StateCounts | null;
}

/** The selection in words the operator and `--json` read: counts, codes and their meanings. */
export function describeChoice(selection: RetryTally): RetryChoice {
  return {
    selected: selection.selected,
    skippedSuppressed: selection.skipped,
    namedPermanent: codeCounts(selection.namedPermanent),
    leftAlone: {
      permanent: codeCounts(selection.leftPermanent),
      suppressed: selection.leftSuppressed,
      inDoubt: selection.inDoubt,
    },
    counts: null,
  };
}

function codeCounts(counts: ReadonlyMap<number, number>): CodeCount[] {
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([code, count]) => ({ code, count, meaning: errorInfo(code).meaning }));
}
