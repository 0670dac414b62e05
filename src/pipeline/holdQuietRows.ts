import { decideQuietHours, type QuietWindow } from "../core/quietHours.js";

export interface QuietHours {
  window: QuietWindow;
  /** `--timezone`: the zone of rows without a `timezone` column of their own. */
  timeZone: string;
  /** Wall-clock milliseconds since the epoch (the Clock of the scheduler is monotonic). */
  now(): number;
}

/** Rows left pending because their recipient's local time was inside the window. */
export interface HeldRows {
  rows: number;
  /** The earliest end of the window across the held rows (UTC ms), when sending may resume. */
  resumeAt: number;
  /** That end in the zone it was found for. */
  localEnd: string;
  timeZone: string;
}

/**
 * Passes on the rows that may be sent now; a row inside quiet hours is left pending and
 * counted. It runs where the dispatcher pulls rows, so a held row never takes a rate token, and
 * each row is judged when it is about to start: a window that opens mid-run holds the rows not
 * yet started, while the requests in flight (and their retries) finish.
 */
export async function* holdQuietRows<T extends { timeZone: string | null }>(
  rows: AsyncIterable<T>,
  quiet: QuietHours,
  held: { value: HeldRows | null },
): AsyncGenerator<T> {
  for await (const row of rows) {
    const zone = row.timeZone ?? quiet.timeZone;
    const decision = decideQuietHours(quiet.window, zone, quiet.now());
    if (!decision.held) {
      yield row;
      continue;
    }
    const earlier = held.value;
    if (!earlier || decision.endsAt < earlier.resumeAt) {
      held.value = {
        rows: (earlier?.rows ?? 0) + 1,
        resumeAt: decision.endsAt,
        localEnd: decision.localEnd,
        timeZone: zone,
      };
    } else earlier.rows += 1;
  }
}
