import type { HeldRows } from "../pipeline/quietHold.js";

/** The `--json` summary's `quietHours` block. */
export interface QuietHoursSummary {
  window: string;
  held: number;
  resumeAt: string;
  resumeAtLocal: string;
  timeZone: string;
}

export function quietHoursSummary(held: HeldRows, window: string): QuietHoursSummary {
  return {
    window,
    held: held.rows,
    resumeAt: new Date(held.resumeAt).toISOString(),
    resumeAtLocal: held.localEnd,
    timeZone: held.timeZone,
  };
}

/** Says why rows are still pending and when the same command will send the first of them. */
export function quietHoursNote(summary: QuietHoursSummary): string {
  const rows = summary.held === 1 ? "1 row" : `${summary.held} rows`;
  return `quiet hours (${summary.window}): ${rows} held, pending; the earliest can be sent from ${summary.resumeAt} (${summary.resumeAtLocal} ${summary.timeZone}): run the same command again then`;
}
