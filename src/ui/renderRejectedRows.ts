import type { Colors } from "./colors.js";

export interface ShownRejectedRow {
  line: number;
  to: string;
  state: "invalid" | "skipped";
  reason: string;
  hint: string;
}

/**
 * The rows the pre-flight left out, under the plan: which line, what was written, why, and
 * what to do; the first few only, with a count of the rest and where to find them all.
 */
export function renderRejectedRows(
  shown: readonly ShownRejectedRow[],
  total: number,
  c: Colors,
  rowsOut?: string,
): string {
  if (total === 0) return "";
  const lines = [
    `Invalid and skipped rows${total > shown.length ? ` (the first ${shown.length} of ${total})` : ""}:`,
  ];
  for (const row of shown) {
    const state = row.state === "invalid" ? c.red(row.state) : row.state;
    lines.push(
      `  line ${row.line}  ${row.to === "" ? "(empty)" : row.to}  ${state}: ${row.reason}`,
    );
    if (row.hint !== "") lines.push(c.dim(`      hint: ${row.hint}`));
  }
  const rest = total - shown.length;
  if (rowsOut !== undefined) lines.push(`  All ${total} are listed in ${rowsOut}.`);
  else if (rest > 0)
    lines.push(`  … and ${rest} more: --rows-out FILE (or --json) lists every one.`);
  return `${lines.join("\n")}\n`;
}
