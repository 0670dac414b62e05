import type { StateCounts } from "../core/rowState.js";
import type { Colors } from "./colors.js";
import type { RunSummary } from "./runSummary.js";

/** One run as `twilio-bulk runs --json` lists it. */
export type RunListing = RunSummary["run"] & {
  totalRows: number;
  counts: StateCounts;
};

const COLUMNS = [
  "id",
  "name",
  "input",
  "phase",
  "started",
  "finished",
  "rows",
  "sent",
  "failed",
  "invalid",
  "skipped",
  "in doubt",
  "pending",
] as const;

/** A plain table, one run a line, oldest first; numbers right-aligned. */
export function renderRuns(runs: readonly RunListing[], c: Colors): string {
  const table = runs.map((run) => [
    String(run.id),
    run.name ?? "-",
    run.input === "-" ? "<stdin>" : run.input,
    run.phase,
    when(run.startedAt ?? run.createdAt),
    run.finishedAt ? when(run.finishedAt) : "-",
    ...[
      run.totalRows,
      run.counts.sent,
      run.counts.failed,
      run.counts.invalid,
      run.counts.skipped,
      run.counts.in_doubt,
      run.counts.pending,
    ].map((value) => value.toLocaleString("en-US")),
  ]);
  const widths = COLUMNS.map((title, i) =>
    Math.max(title.length, ...table.map((cells) => cells[i]!.length)),
  );
  const numeric = (i: number) => i === 0 || i >= 6;
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const lines = [c.bold(line(COLUMNS.map((t) => t.toUpperCase())))];
  for (const [i, cells] of table.entries()) {
    const run = runs[i]!;
    const text = line(cells);
    lines.push(run.counts.in_doubt > 0 ? c.yellow(text) : text);
  }
  return `${lines.join("\n")}\n`;
}

/** "2024-05-01 10:00:00Z": the ISO instant, readable in a table. */
function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}
