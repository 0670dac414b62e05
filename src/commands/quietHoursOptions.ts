import { isTimeZone, parseQuietWindow, type QuietWindow } from "../core/quietHours.js";
import { shellQuote } from "../core/shellQuote.js";
import { UsageError } from "../errors.js";

export interface RawQuietHoursOptions {
  quietHours?: string;
  timezone?: string;
  waitQuietHours?: boolean;
}

export interface QuietHoursOptions {
  window: QuietWindow;
  timeZone: string;
  /** `--wait-quiet-hours`: sleep until the window ends instead of exiting 4. */
  wait: boolean;
}

/**
 * `--quiet-hours 21:00-08:00 --timezone America/New_York`, shared by send and retry. The zone
 * is required rather than taken from the machine: a cron host usually runs in UTC, which would
 * quietly text people at the wrong hours.
 */
export function parseQuietHoursOptions(raw: RawQuietHoursOptions): QuietHoursOptions | undefined {
  if (raw.timezone !== undefined && !isTimeZone(raw.timezone.trim())) {
    throw new UsageError(
      `\`--timezone\` must be an IANA time zone such as America/New_York, got \`${raw.timezone}\``,
    );
  }
  if (raw.quietHours === undefined) {
    if (raw.waitQuietHours) {
      throw new UsageError("`--wait-quiet-hours` applies only with `--quiet-hours`");
    }
    if (raw.timezone !== undefined) {
      throw new UsageError(
        "`--timezone` applies only with `--quiet-hours`",
        "e.g. `--quiet-hours 21:00-08:00 --timezone America/New_York`",
      );
    }
    return undefined;
  }
  const window = parseQuietWindow(raw.quietHours);
  if (!window.ok) {
    throw new UsageError(
      `\`--quiet-hours\` ${window.reason}, got \`${raw.quietHours}\``,
      "e.g. `--quiet-hours 21:00-08:00`",
    );
  }
  if (raw.timezone === undefined) {
    throw new UsageError(
      "`--quiet-hours` needs `--timezone`: the zone of rows without a `timezone` column",
      "e.g. `--quiet-hours 21:00-08:00 --timezone America/New_York`",
    );
  }
  return { window: window.value, timeZone: raw.timezone.trim(), wait: raw.waitQuietHours ?? false };
}

/** The flags that keep quiet hours in a printed resume command (with a leading space). */
export function quietHoursFlags(quiet: QuietHoursOptions | undefined): string {
  if (!quiet) return "";
  return ` --quiet-hours ${quiet.window.text} --timezone ${shellQuote(quiet.timeZone)}`;
}
