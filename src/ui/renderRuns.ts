import type { StateCounts } from "../core/rowState.js";
import type { Colors } from "./colors.js";
import type { RunSummary } from "./runSummary.js";

/** One run as `twilio-bulk runs --json` lists it. */
export type RunListing = RunSummary["run"] & {
  totalRows: number;
  counts: StateCounts;
  /** The processes working on it now: host, pid, since, last heartbeat (ISO), requests done. */
  workers: {
    host: string;
    pid: number;
    since: string;
    heartbeatAt: string | null;
    rowsDone: number;
  }[];
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
export function renderRuns(runs: readonly RunListing[], c: Colors, nowMs: number): string {
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
    for (const w of run.workers) lines.push(c.dim(`    ${describeWorker(w, nowMs)}`));
  }
  return `${lines.join("\n")}\n`;
}

/** "worked on by pid 4242 on web-1 since …, last heartbeat 3 s ago, 120 requests done". */
function describeWorker(w: RunListing["workers"][number], nowMs: number): string {
  const beat =
    w.heartbeatAt === null
      ? "no heartbeat"
      : `last heartbeat ${Math.max(0, Math.round((nowMs - Date.parse(w.heartbeatAt)) / 1000))} s ago`;
  return `worked on by pid ${w.pid} on ${w.host} since ${when(w.since)}, ${beat}, ${w.rowsDone.toLocaleString("en-US")} rows done`;
}

/** "2024-05-01 10:00:00Z": the ISO instant, readable in a table. */
function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}
