import type { Plan } from "../pipeline/preflight.js";
import type { Colors } from "./colors.js";
import { formatDuration } from "./formatDuration.js";
import type { RunSummary } from "./runSummary.js";

const n = (value: number) => value.toLocaleString("en-US");

/**
 * The plan. `segmentRows`: how many valid rows are texts counted in SMS segments (all of them
 * unless told); segments are shown only when some are, or when no row is valid.
 */
export function renderPlan(plan: Plan, rate: number, segmentRows = plan.valid): string {
  const skipped =
    plan.skipped > 0
      ? ` (${[
          plan.duplicates ? `${n(plan.duplicates)} duplicate` : "",
          plan.suppressed ? `${n(plan.suppressed)} suppressed` : "",
        ]
          .filter(Boolean)
          .join(", ")})`
      : "";
  const eta = formatDuration((plan.valid / rate) * 1000);
  const others = plan.valid - segmentRows;
  const units =
    others <= 0
      ? `${n(plan.segments)} segments`
      : segmentRows > 0
        ? `${n(plan.segments)} segments, ${n(others)} other ${others === 1 ? "request" : "requests"}`
        : `${n(plan.valid)} ${plan.valid === 1 ? "request" : "requests"}`;
  return [
    `Plan: ${n(plan.rows)} rows: ${n(plan.valid)} to send, ${n(plan.invalid)} invalid, ${n(plan.skipped)} skipped${skipped}.`,
    `      ${units}; about ${eta} at ${rate}/s.`,
  ].join("\n");
}

export function renderSummary(summary: RunSummary, c: Colors): string {
  const { counts, run } = summary;
  const label = run.name ? `"${run.name}" (${run.id})` : String(run.id);
  const lines = [
    c.bold(`Run ${label}, ${run.input === "-" ? "<stdin>" : run.input}: ${run.phase}`),
    row("sent", counts.sent, counts.sent > 0 ? c.green : String),
    row("failed", counts.failed, counts.failed > 0 ? c.red : String),
    row("invalid", counts.invalid, counts.invalid > 0 ? c.red : String),
    row("skipped", counts.skipped, String),
    row("in doubt", counts.in_doubt, counts.in_doubt > 0 ? c.yellow : String),
    row("pending", counts.pending, String),
    c.dim(
      `  ${n(summary.attempts)} requests in ${formatDuration(summary.durationMs)} (${summary.rate.toFixed(1)}/s)`,
    ),
  ];
  if (summary.stoppedBy) lines.push(c.red(`Stopped: ${summary.stoppedBy}`));
  if (counts.in_doubt > 0) {
    lines.push(
      c.yellow(
        `${n(counts.in_doubt)} rows are in doubt (Twilio may have sent them): run \`twilio-bulk reconcile --run ${run.id}\` before sending them again.`,
      ),
    );
  }
  if (counts.failed + counts.invalid > 0) {
    lines.push(`Details: \`twilio-bulk report --run ${run.id}\`.`);
  }
  if (summary.resume) lines.push(`Resume with: ${summary.resume}`);
  return `${lines.join("\n")}\n`;
}

function row(name: string, value: number, paint: (s: string) => string): string {
  return `  ${name.padEnd(9)} ${paint(n(value).padStart(9))}`;
}
