import { decideRetry, type RetryFilter } from "../core/decideRetry.js";
import { errorInfo } from "../core/errorCatalog.js";
import type { RowState, StateCounts } from "../core/rowState.js";
import type { Journal } from "../journal/journal.js";
import { type RetryRow, retryCandidates } from "../journal/retryRows.js";

export interface RetrySelection {
  /** Rows to send again, in file order. */
  retry: { idx: number; state: RowState }[];
  /** Pending rows whose number is now suppressed: they become skipped. */
  skip: { idx: number; reason: string }[];
  /** Permanent codes the operator named, with how many selected rows carry each. */
  namedPermanent: Map<number, number>;
  /** Rows that matched but are left alone, by why (and code, for permanent ones). */
  leftPermanent: Map<number, number>;
  leftSuppressed: number;
  /** Every in-doubt row of the run: never retried, whatever was asked. */
  inDoubt: number;
}

/**
 * Runs retry's decision over every candidate row of the run. Reads only; `requeueRows` then
 * acts on the result. `onSelected` sees each selected row (the dry run lists them).
 */
export function selectRetryRows(
  journal: Journal,
  runId: number,
  filter: RetryFilter,
  onSelected?: (row: RetryRow) => void,
): RetrySelection {
  const selection: RetrySelection = {
    retry: [],
    skip: [],
    namedPermanent: new Map(),
    leftPermanent: new Map(),
    leftSuppressed: 0,
    inDoubt: 0,
  };
  for (const row of retryCandidates(journal, runId)) {
    const suppression = row.state === "in_doubt" ? undefined : journal.suppressionOf(row.to);
    const decision = decideRetry({ ...row, suppressed: suppression !== undefined }, filter);
    switch (decision.kind) {
      case "retry":
        selection.retry.push({ idx: row.idx, state: row.state });
        if (decision.namedCode !== null) bump(selection.namedPermanent, decision.namedCode);
        onSelected?.(row);
        break;
      case "skip":
        selection.skip.push({ idx: row.idx, reason: `suppressed: ${suppression?.reason ?? ""}` });
        break;
      case "leave":
        if (decision.why === "in_doubt") selection.inDoubt++;
        else if (decision.why === "suppressed") selection.leftSuppressed++;
        else if (decision.why === "permanent" && decision.code !== null) {
          bump(selection.leftPermanent, decision.code);
        }
        break;
    }
  }
  return selection;
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
export function describeChoice(selection: RetrySelection, selected: number): RetryChoice {
  return {
    selected,
    skippedSuppressed: selection.skip.length,
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
