import { ERROR_CATALOG } from "../core/errorCatalog.js";
import type { StateCounts } from "../core/rowState.js";
import type { ErrorGroup } from "../journal/reportQueries.js";
import type { RunSummary } from "../ui/runSummary.js";

/** One line of the error table: what went wrong, how often, what it means, what to do. */
export interface ReportError {
  code: number | null;
  status: number | null;
  count: number;
  meaning: string;
  action: string;
  stage: "send" | "delivery";
  state: string;
  /** Twilio's page for the code. */
  moreInfo: string | null;
}

/** `report --format json`: the summary of one run. */
export interface ReportSummary {
  run: RunSummary["run"];
  counts: StateCounts;
  errors: ReportError[];
  /** Sent rows by their message's last known status (`unchecked`: `status` never asked). */
  delivery: Record<string, number>;
  /** Skipped rows by why. */
  skipped: Record<string, number>;
  /** Numbers this run's answers put on the suppression list. */
  suppressed: number;
  /** Counts and errors per Twilio API (`messages`, `calls` …). */
  byApi: Record<string, { counts: StateCounts; errors: ReportError[] }>;
}

export interface ReportFacts {
  run: RunSummary["run"];
  counts: StateCounts;
  errors: readonly ErrorGroup[];
  delivery: Record<string, number>;
  skipped: Record<string, number>;
  suppressed: number;
  byApi?: Record<
    string,
    {
      counts: StateCounts;
      errors: readonly ErrorGroup[];
      /** What to do with in-doubt rows when reconcile cannot settle this API's. */
      inDoubtAction?: string;
    }
  >;
}

/** Puts meaning and advice on the journal's counts. Pure: the same facts, the same report. */
export function buildReportSummary(facts: ReportFacts): ReportSummary {
  const explain = (groups: readonly ErrorGroup[], inDoubtAction?: string): ReportError[] =>
    groups.map((group) => ({
      code: group.code,
      status: group.status,
      count: group.count,
      ...explainError(group, facts.run.id),
      ...(inDoubtAction !== undefined && group.state === "in_doubt" && { action: inDoubtAction }),
      stage: group.stage,
      state: group.state,
      moreInfo: group.code === null ? null : `https://www.twilio.com/docs/errors/${group.code}`,
    }));
  return {
    run: facts.run,
    counts: facts.counts,
    errors: explain(facts.errors),
    delivery: facts.delivery,
    skipped: facts.skipped,
    suppressed: facts.suppressed,
    byApi: Object.fromEntries(
      Object.entries(facts.byApi ?? {}).map(([api, { counts, errors, inDoubtAction }]) => [
        api,
        { counts, errors: explain(errors, inDoubtAction) },
      ]),
    ),
  };
}

/**
 * The catalogue's words for a known code. An unknown code keeps Twilio's own message and
 * points at Twilio's page; a row without a code is explained by its state.
 */
export function explainError(
  group: Pick<ErrorGroup, "stage" | "state" | "code" | "status" | "sample">,
  runId: number,
): { meaning: string; action: string } {
  const { code, status, state, sample } = group;
  if (code !== null) {
    const known = ERROR_CATALOG[code];
    if (known) return { meaning: known.meaning, action: known.action };
    return {
      meaning: sample ?? "not in twilio-bulk's catalogue",
      action: `see https://www.twilio.com/docs/errors/${code}`,
    };
  }
  const said = sample ?? (status !== null ? `HTTP ${status}` : "no answer");
  if (state === "in_doubt") {
    return {
      meaning: `${said}: Twilio may have sent the message`,
      action: `run \`twilio-bulk reconcile --run ${runId}\`; never resend these blindly`,
    };
  }
  if (state === "pending") {
    return {
      meaning: said,
      action: `resume with \`twilio-bulk retry --state pending --run ${runId}\``,
    };
  }
  const select = status !== null ? `--status ${status}` : "--state failed";
  return {
    meaning: said,
    action: `fix the cause, then \`twilio-bulk retry ${select} --run ${runId}\``,
  };
}
