/**
 * Quiet hours: a daily window of local wall time (21:00-08:00) in which a recipient is not
 * texted. Local time comes from Intl.DateTimeFormat with the recipient's IANA zone, so DST
 * follows the platform's time-zone data with no dependency of ours.
 */
export interface QuietWindow {
  /** Minutes after local midnight; the window holds start ≤ t < end, crossing midnight when start > end. */
  startMinute: number;
  endMinute: number;
  /** As written, for messages. */
  text: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const WINDOW = /^([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d)$/;

export function parseQuietWindow(text: string): Parsed<QuietWindow> {
  const match = WINDOW.exec(text.trim());
  if (!match) return { ok: false, reason: "must be HH:MM-HH:MM in 24-hour local time" };
  const [, sh, sm, eh, em] = match.map(Number) as [number, number, number, number, number];
  const startMinute = sh * 60 + sm;
  const endMinute = eh * 60 + em;
  if (startMinute === endMinute) return { ok: false, reason: "must not start and end at once" };
  return { ok: true, value: { startMinute, endMinute, text: text.trim() } };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter per zone, kept: building one costs far more than formatting with it. */
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** True when Intl knows the zone (IANA names such as America/New_York, or UTC). */
export function isTimeZone(zone: string): boolean {
  if (zone.trim() === "") return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall time at `utcMs`, as milliseconds of a UTC calendar (so Date.UTC arithmetic works). */
function wallMs(utcMs: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(utcMs))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second) + (((utcMs % 1000) + 1000) % 1000);
}

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

function minuteOfDay(wall: number): number {
  return Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE);
}

function inside(window: QuietWindow, minute: number): boolean {
  const { startMinute: s, endMinute: e } = window;
  return s < e ? minute >= s && minute < e : minute >= s || minute < e;
}

export type QuietDecision =
  | { held: false }
  | {
      held: true;
      /** The first instant after `now` at which local time is out of the window. */
      endsAt: number;
      /** That instant's local wall time, HH:MM. */
      localEnd: string;
    };

/** Whether a recipient in `zone` is inside the window at `nowMs` (UTC), and until when. */
export function decideQuietHours(window: QuietWindow, zone: string, nowMs: number): QuietDecision {
  const wallNow = wallMs(nowMs, zone);
  if (!inside(window, minuteOfDay(wallNow))) return { held: false };
  let wallEnd = Math.floor(wallNow / DAY) * DAY + window.endMinute * MINUTE;
  if (wallEnd <= wallNow) wallEnd += DAY;
  // Wall time to UTC: the offset at the guess, refined once for a DST change before the end.
  const guess = wallEnd - (wallNow - nowMs);
  let endsAt = wallEnd - (wallMs(guess, zone) - guess);
  if (wallMs(endsAt, zone) !== wallEnd) {
    // The end falls in a spring-forward gap (that wall time never happens that day): the
    // window ends when the clock jumps past it, somewhere between the two readings.
    endsAt = firstOutside(window, zone, Math.min(guess, endsAt), Math.max(guess, endsAt));
  }
  return { held: true, endsAt, localEnd: hhmm(minuteOfDay(wallMs(endsAt, zone))) };
}

/** Bisects to the millisecond: `low` inside the window, `high` out of it. */
function firstOutside(window: QuietWindow, zone: string, low: number, high: number): number {
  let lo = low;
  let hi = high;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (inside(window, minuteOfDay(wallMs(mid, zone)))) lo = mid;
    else hi = mid;
  }
  return hi;
}

function hhmm(minute: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
}

/** What is wrong with a row's `timezone` column, or null when it is absent, blank or known. */
export function timeZoneProblem(fields: Record<string, string | string[]>): string | null {
  if (!Object.hasOwn(fields, "timezone")) return null;
  const value = fields.timezone!;
  if (Array.isArray(value)) return "`timezone` must be a single value, not a list";
  if (value.trim() === "" || isTimeZone(value.trim())) return null;
  return `timezone \`${value}\` is not an IANA time zone (e.g. America/New_York)`;
}
