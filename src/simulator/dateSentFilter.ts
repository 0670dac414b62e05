import { type DateFilter, matchesDate, parseDateFilter } from "./dateFilter.js";
import type { SimMessage } from "./messageStore.js";

export type DateSentFilter = DateFilter;

const PARAMS = [
  ["DateSent", "on"],
  ["DateSent<", "notAfter"],
  ["DateSent>", "notBefore"],
] as const;

/**
 * Reads `DateSent`, `DateSent<` and `DateSent>` (the keys of `DateSent<=…` and `DateSent>=…`),
 * with dateFilter's reading of days and instants. Returns the filter, or the name of the first
 * parameter that is not a date.
 */
export function parseDateSentFilter(query: URLSearchParams): DateSentFilter | { invalid: string } {
  return parseDateFilter(query, PARAMS);
}

/**
 * A message not sent yet (date_sent null) is judged by its date_created, so a sender that lost
 * a create's answer can still find the message by "DateSent>= when I tried".
 */
export function matchesDateSent(message: SimMessage, filter: DateSentFilter): boolean {
  return matchesDate((message.dateSent ?? message.dateCreated).getTime(), filter);
}
