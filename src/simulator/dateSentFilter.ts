import type { SimMessage } from "./messageStore.js";

type Bound = { day: string } | { ms: number };

export interface DateSentFilter {
  on?: string;
  notAfter?: Bound;
  notBefore?: Bound;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads `DateSent`, `DateSent<` and `DateSent>` (the keys of `DateSent<=…` and `DateSent>=…`).
 *
 * Decisions, since Twilio's documentation leaves them open:
 * - a date alone (`2024-05-01`, as in Twilio's docs) is a whole GMT day, and both inequalities
 *   include it: `DateSent<=2024-05-01` matches a message sent at 23:59 that day;
 * - a date-time (what twilio-node sends: `2024-05-01T10:00:00Z`) is an instant for `<` and `>`
 *   (inclusive), and its GMT day for `=`;
 * - a message not sent yet (date_sent null) is judged by its date_created, so a sender that lost
 *   a create's answer can still find the message by "DateSent>= when I tried".
 *
 * Returns the filter, or the name of the first parameter that is not a date.
 */
export function parseDateSentFilter(query: URLSearchParams): DateSentFilter | { invalid: string } {
  const filter: DateSentFilter = {};
  const entries = [
    ["DateSent", "on"],
    ["DateSent<", "notAfter"],
    ["DateSent>", "notBefore"],
  ] as const;
  for (const [param, key] of entries) {
    const value = query.get(param);
    if (value === null || value === "") continue;
    const bound = parseBound(value);
    if (!bound) return { invalid: param };
    if (key === "on") filter.on = "day" in bound ? bound.day : gmtDay(bound.ms);
    else filter[key] = bound;
  }
  return filter;
}

export function matchesDateSent(message: SimMessage, filter: DateSentFilter): boolean {
  const ms = (message.dateSent ?? message.dateCreated).getTime();
  const day = gmtDay(ms);
  if (filter.on !== undefined && day !== filter.on) return false;
  const { notAfter, notBefore } = filter;
  if (notAfter && ("day" in notAfter ? day > notAfter.day : ms > notAfter.ms)) return false;
  if (notBefore && ("day" in notBefore ? day < notBefore.day : ms < notBefore.ms)) return false;
  return true;
}

function parseBound(value: string): Bound | null {
  if (DAY.test(value)) return Number.isNaN(Date.parse(value)) ? null : { day: value };
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : { ms };
}

function gmtDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
