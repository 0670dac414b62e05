type Bound = { day: string } | { ms: number };

/** A date filter of a list: on a GMT day, and/or between two inclusive bounds. */
export interface DateFilter {
  on?: string;
  notAfter?: Bound;
  notBefore?: Bound;
}

/** Which query parameter fills which part of a DateFilter, e.g. ["StartTime>", "notBefore"]. */
export type DateParams = readonly (readonly [string, keyof DateFilter])[];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads a list's date parameters. A date alone (`2024-05-01`, as in Twilio's docs) is a whole
 * GMT day, and both inequalities include it; a date-time (what twilio-node sends:
 * `2024-05-01T10:00:00Z`) is an instant for the inequalities (inclusive), its GMT day for `=`.
 * Returns the filter, or the name of the first parameter that is not a date.
 */
export function parseDateFilter(
  query: URLSearchParams,
  params: DateParams,
): DateFilter | { invalid: string } {
  const filter: DateFilter = {};
  for (const [param, key] of params) {
    const value = query.get(param);
    if (value === null || value === "") continue;
    const bound = parseBound(value);
    if (!bound) return { invalid: param };
    if (key === "on") filter.on = "day" in bound ? bound.day : gmtDay(bound.ms);
    else filter[key] = bound;
  }
  return filter;
}

export function matchesDate(ms: number, filter: DateFilter): boolean {
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
