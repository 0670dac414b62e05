/**
 * Counts events in the last `spanMs`, the way a rate limiter that promises "at most N in any
 * one-second window" is judged. A token bucket would admit a burst of N right after N at the end
 * of the previous second; this does not.
 */
export class SlidingWindow {
  readonly #times: number[] = [];
  #head = 0;

  constructor(private readonly spanMs = 1000) {}

  /** Records an event at `now` if fewer than `limit` happened in (now - span, now]. */
  tryTake(now: number, limit: number): boolean {
    const times = this.#times;
    while (this.#head < times.length && times[this.#head]! <= now - this.spanMs) this.#head++;
    // Compact now and then, so a long run does not keep every timestamp it ever saw.
    if (this.#head > 1024 && this.#head * 2 > times.length) {
      times.splice(0, this.#head);
      this.#head = 0;
    }
    if (times.length - this.#head >= limit) return false;
    times.push(now);
    return true;
  }
}
