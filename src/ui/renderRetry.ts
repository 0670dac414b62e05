import type { RetryRow } from "../journal/retryRows.js";
import type { CodeCount, RetryChoice } from "../pipeline/selectRetryRows.js";
import type { Colors } from "./colors.js";

const n = (value: number) => value.toLocaleString("en-US");
const rows = (count: number) => `${n(count)} ${count === 1 ? "row" : "rows"}`;
const codes = (list: readonly CodeCount[]) =>
  list.map((c) => `${c.code} ${c.meaning} ×${n(c.count)}`).join(", ");

/** The lines before sending: what is retried and what is left alone, and why. */
export function renderRetryChoice(choice: RetryChoice, runLabel: string, c: Colors): string {
  const lines = [c.bold(`Run ${runLabel}: ${rows(choice.selected)} to retry.`)];
  const { permanent, suppressed, inDoubt } = choice.leftAlone;
  if (permanent.length > 0) {
    const total = permanent.reduce((sum, p) => sum + p.count, 0);
    lines.push(
      `  left alone: ${rows(total)} with permanent errors (${codes(permanent)}); name a code with --code to retry it anyway.`,
    );
  }
  if (suppressed > 0) {
    lines.push(
      `  left alone: ${rows(suppressed)} whose number is suppressed (\`twilio-bulk suppress list\`).`,
    );
  }
  if (choice.skippedSuppressed > 0) {
    lines.push(`  skipped: ${rows(choice.skippedSuppressed)} pending to suppressed numbers.`);
  }
  if (inDoubt > 0) {
    lines.push(
      c.yellow(
        `  left alone: ${rows(inDoubt)} in doubt: Twilio may have sent them; \`twilio-bulk reconcile\` decides them, never retry.`,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** A warning per permanent code the operator named: those rows will most likely fail again. */
export function renderNamedWarnings(choice: RetryChoice): string {
  return choice.namedPermanent
    .map(
      (p) =>
        `twilio-bulk: warning: retrying ${rows(p.count)} that failed with ${p.code} (${p.meaning}), a permanent error, because --code names it: expect the same answer.\n`,
    )
    .join("");
}

/** One line of the dry run's list. */
export function renderRetryRow(row: RetryRow): string {
  const what =
    row.state === "sent"
      ? `${row.deliveryStatus ?? ""} ${row.deliveryErrorCode ?? ""}`
      : `${row.state} ${row.httpStatus ?? "-"} ${row.errorCode ?? "-"} ${row.errorMessage ?? ""}`;
  return `  line ${String(row.line).padEnd(7)} ${row.to.padEnd(16)} ${what.trim()}\n`;
}
