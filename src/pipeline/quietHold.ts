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
 * Decides, row by row against the wall clock, which rows quiet hours hold, and counts them.
 * A held row stays pending in the journal: nothing is written for it.
 */
export class QuietHold {
  readonly #quiet: QuietHours;
  held: HeldRows | null = null;

  constructor(quiet: QuietHours) {
    this.#quiet = quiet;
  }

  /** True when the row may be sent now; false (and counted) when its recipient is in the window. */
  admits(row: { timeZone: string | null }): boolean {
    const zone = row.timeZone ?? this.#quiet.timeZone;
    const decision = decideQuietHours(this.#quiet.window, zone, this.#quiet.now());
    if (!decision.held) return true;
    const earlier = this.held;
    if (!earlier || decision.endsAt < earlier.resumeAt) {
      this.held = {
        rows: (earlier?.rows ?? 0) + 1,
        resumeAt: decision.endsAt,
        localEnd: decision.localEnd,
        timeZone: zone,
      };
    } else earlier.rows += 1;
    return false;
  }

  /**
   * The rows that may be sent, judged as the dispatcher pulls them, so a held row never takes
   * a rate token and rows in other zones carry on.
   */
  async *filter<T extends { timeZone: string | null }>(rows: AsyncIterable<T>): AsyncGenerator<T> {
    for await (const row of rows) if (this.admits(row)) yield row;
  }
}
