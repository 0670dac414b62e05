import type { Colors } from "./colors.js";

/** What reconcile did, as `--json` shows it under `reconcile`. */
export interface ReconcileReport {
  /** Rows found in flight (a process died mid-request) and made in doubt before the lookups. */
  recovered: number;
  /** In-doubt rows looked up. */
  checked: number;
  /** Found at Twilio, now sent. */
  sent: number;
  /** Rows found more than once: sent, and the recipient got the message several times. */
  duplicates: { idx: number; line: number; to: string; sid: string; duplicates: string[] }[];
  /** Not found and older than the grace period: pending again, for the next send. */
  pending: number;
  /** Left in doubt, counted by reason. */
  stillInDoubt: Record<string, number>;
  /** List requests made. */
  lookups: number;
  graceMs: number;
}

const n = (value: number) => value.toLocaleString("en-US");
const rows = (count: number) => `${n(count)} ${count === 1 ? "row" : "rows"}`;

export function renderReconcile(report: ReconcileReport, runLabel: string, c: Colors): string {
  const left = Object.values(report.stillInDoubt).reduce((sum, k) => sum + k, 0);
  const lines = [
    c.bold(
      `Reconciled run ${runLabel}: ${rows(report.checked)} looked up at Twilio (${n(report.lookups)} ${report.lookups === 1 ? "request" : "requests"}).`,
    ),
  ];
  if (report.recovered > 0) {
    lines.push(`  in flight when a process stopped: ${rows(report.recovered)}, now in doubt`);
  }
  const count = (what: string, value: number) => `  ${what.padEnd(26)}${n(value).padStart(7)}`;
  lines.push(count("found, now sent", report.sent));
  lines.push(count("not found, pending again", report.pending));
  lines.push(count("still in doubt", left));
  for (const [reason, count] of Object.entries(report.stillInDoubt)) {
    lines.push(c.yellow(`    ${rows(count)}: ${reason}`));
  }
  for (const d of report.duplicates) {
    lines.push(
      c.red(
        `  line ${d.line} (${d.to}) was sent ${d.duplicates.length + 1} times: kept ${d.sid}, duplicates ${d.duplicates.join(", ")}`,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}
