import type { JournalRow } from "../journal/reportQueries.js";
import { DEFAULT_API } from "../operations/defaultApi.js";
import type { Colors } from "../ui/colors.js";
import type { ReportSummary } from "./reportSummary.js";

const n = (value: number) => value.toLocaleString("en-US");

const STATES = [
  ["sent", "sent"],
  ["failed", "failed"],
  ["invalid", "invalid"],
  ["skipped", "skipped"],
  ["in_doubt", "in doubt"],
  ["pending", "pending"],
] as const;

/** The summary for a terminal: counts by state, delivery, then the table of error codes. */
export function renderReportTable(summary: ReportSummary, c: Colors): string {
  const { run, counts } = summary;
  const label = run.name ? `"${run.name}" (${run.id})` : String(run.id);
  const lines = [
    c.bold(`Run ${label}, ${run.input === "-" ? "<stdin>" : run.input}: ${run.phase}`),
  ];
  for (const [state, name] of STATES) {
    const detail =
      state === "sent"
        ? breakdown(summary.delivery)
        : state === "skipped"
          ? breakdown(summary.skipped)
          : "";
    lines.push(
      `  ${name.padEnd(9)} ${n(counts[state]).padStart(9)}${detail ? `   ${detail}` : ""}`,
    );
  }
  const apis = Object.entries(summary.byApi);
  if (apis.length > 1 || (apis.length === 1 && apis[0]![0] !== DEFAULT_API)) {
    // A list that mixes APIs, or is not the default's: each one's states on a line.
    for (const [api, { counts: own }] of apis) {
      const parts = STATES.filter(([state]) => own[state] > 0).map(
        ([state, name]) => `${n(own[state])} ${name}`,
      );
      lines.push(`  ${api.padEnd(9)} ${parts.join(", ")}`);
    }
  }
  if (summary.suppressed > 0) {
    lines.push(`  ${n(summary.suppressed)} numbers were put on the suppression list by this run.`);
  }
  if (summary.errors.length === 0) {
    lines.push("", "No errors.");
    return `${lines.join("\n")}\n`;
  }
  const table = [
    ["code", "HTTP", "rows", "state", "meaning", "what to do"],
    ...summary.errors.map((e) => [
      e.code === null ? "-" : String(e.code),
      e.status === null ? "-" : String(e.status),
      n(e.count),
      e.stage === "delivery" ? `${e.state} (delivery)` : e.state.replace("_", " "),
      oneLine(e.meaning),
      oneLine(e.action),
    ]),
  ];
  lines.push(
    "",
    c.bold("Errors"),
    ...alignColumns(table, [false, false, true, false, false, false]),
  );
  return `${lines.join("\n")}\n`;
}

function breakdown(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([key, value]) => `${key} ${n(value)}`)
    .join(", ");
}

/** Left-aligned columns (right-aligned where asked), two spaces apart; the last is not padded. */
export function alignColumns(table: readonly string[][], right: readonly boolean[]): string[] {
  const widths: number[] = [];
  for (const row of table) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return table.map(
    (row) =>
      `  ${row
        .map((cell, i) => {
          if (i === row.length - 1 && !right[i]) return cell;
          return right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0);
        })
        .join("  ")}`,
  );
}

export const ROW_TABLE_HEADER = `${[
  "line".padStart(7),
  "to".padEnd(16),
  "state".padEnd(9),
  "HTTP",
  "code".padEnd(6),
  "attempts",
  "delivery".padEnd(17),
  "sid".padEnd(34),
  "error or reason",
].join("  ")}\n`;

/** One row of `report --rows` for a terminal; fixed widths, so rows stream without a first pass. */
export function renderRowLine(row: JournalRow): string {
  const delivery = row.deliveryStatus
    ? `${row.deliveryStatus}${row.deliveryErrorCode ? ` ${row.deliveryErrorCode}` : ""}`
    : "";
  return `${[
    String(row.line).padStart(7),
    (row.to ?? "").padEnd(16),
    row.state.padEnd(9),
    (row.httpStatus === null ? "" : String(row.httpStatus)).padEnd(4),
    (row.errorCode === null ? "" : String(row.errorCode)).padEnd(6),
    String(row.attempts).padStart(8),
    delivery.padEnd(17),
    (row.sid ?? "").padEnd(34),
    // A skipped or invalid row's reason says more than the error of an earlier attempt.
    oneLine(
      (row.state === "skipped" || row.state === "invalid" ? row.reason : null) ??
        row.errorMessage ??
        row.reason ??
        "",
    ),
  ].join("  ")}\n`;
}

/** Control characters from a body or an error message must not move a terminal's cursor. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ");
}
