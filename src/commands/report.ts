import { stringify } from "csv-stringify/sync";
import { guardFormula } from "../core/formulaGuard.js";
import { ExitCode, interruption } from "../errors.js";
import type { Journal, RunRecord } from "../journal/journal.js";
import {
  countsByApi,
  deliveryCounts,
  errorGroups,
  fieldColumns,
  journalRows,
  skippedCounts,
} from "../journal/reportQueries.js";
import { countSuppressionsByRun } from "../journal/suppressionList.js";
import { DEFAULT_API, OPERATIONS } from "../operations/registry.js";
import { ROW_TABLE_HEADER, renderReportTable, renderRowLine } from "../report/renderReportTable.js";
import { openReportOutput, type ReportOutput } from "../report/reportOutput.js";
import { type ApiColumns, csvColumns, csvRecord, jsonRecord } from "../report/reportRow.js";
import { buildReportSummary, type ReportSummary } from "../report/reportSummary.js";
import { rowMatches } from "../report/rowMatches.js";
import { colorsFor } from "../ui/colors.js";
import { runInfo } from "../ui/runSummary.js";
import type { CommandEnv } from "./commandEnv.js";
import { openRunJournal } from "./openRunJournal.js";
import type { ReportOptions } from "./reportOptions.js";

/**
 * `twilio-bulk report`: what became of a run, from the journal alone. Exits 0 whenever the
 * report was written: a report describes a run's outcome, it is not one (`send`, `retry` and
 * `status` exit with theirs).
 */
export async function report(options: ReportOptions, env: CommandEnv): Promise<number> {
  const { journal, run } = await openRunJournal(options, env);
  try {
    const output = openReportOutput(options.out, env.stdout);
    try {
      if (options.rows) await writeRows(journal, run, options, output, env.signal);
      else await writeSummary(await summarise(journal, run), options, output, env);
    } finally {
      await output.end();
    }
    // Ctrl-C cut the listing short; a closed pipe (SIGPIPE) is the reader's "enough", not a failure.
    if (env.signal.aborted && env.signal.reason !== "SIGPIPE")
      return interruption(env.signal).exitCode;
    if (options.out !== undefined && options.format !== "json") {
      env.stderr.write(`Report written to ${options.out}.\n`);
    }
    return ExitCode.ok;
  } finally {
    await journal.close();
  }
}

async function summarise(journal: Journal, run: RunRecord): Promise<ReportSummary> {
  const byApi: Parameters<typeof buildReportSummary>[0]["byApi"] = {};
  for (const [api, counts] of Object.entries(await countsByApi(journal, run.id))) {
    const how = OPERATIONS[api]?.reconcile;
    byApi[api] = {
      counts,
      errors: await errorGroups(journal, run.id, api),
      ...(how?.kind === "unsupported" && { inDoubtAction: how.reason }),
    };
  }
  return buildReportSummary({
    run: runInfo(run),
    counts: await journal.counts(run.id),
    errors: await errorGroups(journal, run.id),
    delivery: await deliveryCounts(journal, run.id),
    skipped: await skippedCounts(journal, run.id),
    suppressed: await countSuppressionsByRun(journal, run.id),
    byApi,
  });
}

async function writeSummary(
  summary: ReportSummary,
  options: ReportOptions,
  output: ReportOutput,
  env: CommandEnv,
): Promise<void> {
  switch (options.format) {
    case "json":
      return output.write(`${JSON.stringify(summary)}\n`);
    case "csv":
      return output.write(csv(summaryRecords(summary)));
    case "table": {
      const colors = colorsFor(options.out === undefined ? env.stdout : {}, env.env);
      return output.write(renderReportTable(summary, colors));
    }
  }
}

/** The summary as one CSV table: counts, delivery, skipped reasons and errors, a row each. */
function summaryRecords(summary: ReportSummary): string[][] {
  const records = [["category", "name", "count", "http_status", "meaning", "action", "more_info"]];
  for (const [state, count] of Object.entries(summary.counts)) {
    records.push(["state", state, String(count), "", "", "", ""]);
  }
  for (const [status, count] of Object.entries(summary.delivery)) {
    records.push(["delivery", status, String(count), "", "", "", ""]);
  }
  for (const [why, count] of Object.entries(summary.skipped)) {
    records.push(["skipped", why, String(count), "", "", "", ""]);
  }
  for (const e of summary.errors) {
    records.push([
      e.stage === "delivery" ? "delivery_error" : "error",
      e.code === null ? e.state : String(e.code),
      String(e.count),
      e.status === null ? "" : String(e.status),
      e.meaning,
      e.action,
      e.moreInfo ?? "",
    ]);
  }
  return records;
}

async function writeRows(
  journal: Journal,
  run: RunRecord,
  options: ReportOptions,
  output: ReportOutput,
  signal: AbortSignal,
): Promise<void> {
  const matching = async function* () {
    for await (const row of journalRows(journal, run.id)) {
      // The reader left, or the user pressed Ctrl-C: stop reading a journal nobody will see.
      if (output.closed || signal.aborted) return;
      if (rowMatches(row, options.filter)) yield row;
    }
  };
  const api = apiColumns(await journal.apisOf(run.id));
  if (options.format === "csv") {
    const fields = await fieldColumns(journal, run.id);
    await output.write(csv([csvColumns(fields, api)]));
    for await (const row of matching()) await output.write(csv([csvRecord(row, fields, api)]));
    return;
  }
  if (options.format === "json") {
    // An array, one row per line: valid JSON, and still easy to read a line at a time.
    let first = true;
    for await (const row of matching()) {
      await output.write(`${first ? "[" : ","}\n${JSON.stringify(jsonRecord(row, api))}`);
      first = false;
    }
    return output.write(first ? "[]\n" : "\n]\n");
  }
  await output.write(ROW_TABLE_HEADER);
  for await (const row of matching()) await output.write(renderRowLine(row));
}

/** The `tb_` columns of the run's APIs, each API's values filled in for its own rows only. */
function apiColumns(apis: readonly string[]): ApiColumns {
  const ops = apis.flatMap((api) => (OPERATIONS[api]?.report ? [OPERATIONS[api]] : []));
  return {
    columns: [...new Set(ops.flatMap((op) => op.report?.columns ?? []))],
    values(row) {
      const values: Record<string, string | number | boolean | null> = {};
      for (const op of ops) for (const name of op.report?.columns ?? []) values[name] = null;
      const own = OPERATIONS[row.api ?? DEFAULT_API]?.report;
      return own ? { ...values, ...own.values(row.result ?? null) } : values;
    },
  };
}

/** CSV text whose every cell is safe to open in a spreadsheet. */
function csv(records: readonly string[][]): string {
  return stringify(records.map((record) => record.map(guardFormula)));
}
