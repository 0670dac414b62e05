export type ParsedSendAt = { ok: true; iso: string } | { ok: false; reason: string };

const MIN_AHEAD_MS = 300_000;
const MAX_AHEAD_MS = 35 * 24 * 3_600_000;
// A zone is required: a bare local time would be read in whichever zone the sender runs in.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * A `send_at` value as Twilio accepts it: ISO 8601 with a zone, 5 minutes to 35 days after
 * `now`. Judged at pre-flight; a row sent much later in a long run can still fall under the
 * 5 minutes, and Twilio then rejects that row.
 */
export function parseSendAt(value: string, now: Date): ParsedSendAt {
  const match = ISO_8601.exec(value);
  const time = Date.parse(value);
  if (match === null || Number.isNaN(time) || !isCalendarDate(match)) {
    return {
      ok: false,
      reason: `\`send_at\` must be an ISO 8601 time with a zone, such as 2030-01-31T09:30:00Z; got \`${value}\``,
    };
  }
  const ahead = time - now.getTime();
  if (ahead < MIN_AHEAD_MS || ahead > MAX_AHEAD_MS) {
    return {
      ok: false,
      reason: `\`send_at\` ${value} is ${describeAhead(ahead)}; Twilio schedules from 5 minutes to 35 days ahead`,
    };
  }
  return { ok: true, iso: new Date(time).toISOString().replace(".000Z", "Z") };
}

function isCalendarDate(match: RegExpExecArray): boolean {
  const [year, month, day] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day && month <= 12;
}

function describeAhead(ms: number): string {
  if (ms < 0) return "in the past";
  if (ms < MIN_AHEAD_MS) return `only ${Math.floor(ms / 1000)} s ahead`;
  return `${Math.floor(ms / 86_400_000)} days ahead`;
}
