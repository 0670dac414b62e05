/**
 * When a send may start, as a pure function of a clock reading: no timers, no I/O.
 *
 * Why a hand-written token bucket with a sliding window, not Bottleneck (measured on a 2-core
 * Node 20 machine; bench/run.js prints the side-by-side table):
 * - Bottleneck's `minTime` mode is accurate at 50/s but tops out near 400 starts/s whatever the
 *   settings (its internal yield is a setTimeout inside serialised locks), and its reservoir
 *   releases a whole second's worth at once (81 starts in one 1 s window at a 50/s target).
 * - A bucket that holds only `burst` tokens loses rate to late timers: when one fires late the
 *   bucket is already full and the tokens of that lateness overflow. With timers 0–4 ms late it
 *   kept 34 % of 1000/s (test/core/tokenBucket.test.ts). Room for 10 ms more of rate keeps the
 *   long-run rate (measured 50.0/s and 500.5/s, and ±1 % in the tests); below 100/s the room is
 *   one start, which is what the 1 s window can absorb anyway (see the last point).
 * - That room would also let extra starts out at once after every pause, so a start that
 *   nobody waited for, after a gap, first empties the room: after idle the burst is exactly
 *   `burst`. (A caller that was told to wait, or is still starting back to back, keeps it;
 *   those are the starts the room exists for.)
 * - The sliding window keeps the hard bound: a start is allowed only if the start
 *   ⌊rate + burst⌋ starts ago is at least 1000 ms old, so no half-open 1 s window ever holds
 *   more than rate + burst. It costs nothing in the long run, where the bucket averages exactly
 *   `rate`. It does mean an event-loop stall of d ms costs about d × rate − burst starts with any
 *   limiter: a catch-up cluster after the stall would push the 1 s window that starts with it
 *   over the bound, so a longer catch-up allowance only moves the loss one second later.
 */

/** Timer lateness the bucket absorbs without losing rate, at rates of 100/s and more. */
export const LATENESS_ALLOWANCE_MS = 10;

/** Timer lateness absorbed at `rate`: 10 ms, or one interval when that is longer. */
export function latenessAllowanceMs(rate: number): number {
  return Math.max(LATENESS_ALLOWANCE_MS, 1000 / rate);
}

/** A start within this long (or one interval) of the previous one is part of the same run. */
const SAME_RUN_GAP_MS = 10;
/** A caller told to wait that comes back this late is still that caller, not a new one. */
const LATE_WAITER_MS = 1000;
const WINDOW_MS = 1000;
/**
 * Float rounding can leave a few 1e-13 ms to wait; a delay that small would not move a clock
 * reading of 1e9 ms forward at all, so a caller sleeping it would spin. Waiting 1 µs is harmless.
 */
const MIN_DELAY_MS = 0.001;
/** Lets a token that is 1 − 1e-9 full count as whole: float drift, not rate. */
const TOKEN_EPSILON = 1e-9;
/** Both size the sliding window's buffer; 100,000 is 800 kB and far above any Twilio MPS. */
const MAX_RATE = 100_000;
const MAX_BURST = 100_000;

export interface TokenBucketOptions {
  /** Starts per second over a long run. Decimals allowed: 0.1 is one start every 10 s. */
  rate: number;
  /**
   * Starts allowed back to back after a pause; no 1 s window ever holds more than
   * rate + burst starts. An integer.
   * @default 1
   */
  burst: number;
}

export class TokenBucket {
  #rate: number;
  readonly #burst: number;
  #tokens: number;
  #refilledAt: number;
  /** When delayUntilNext() last told a caller to come back; cleared by a start. */
  #promisedAt: number | undefined;
  #lastStart = Number.NEGATIVE_INFINITY;
  /** The last `#window.length` start times, oldest at `#head` once `#recorded` fills it. */
  #window: Float64Array;
  #head = 0;
  #recorded = 0;

  /**
   * `past`: starts made before this bucket, oldest first, none after `startMs`: those of a
   * process killed while sending, read back from its journal, so that its restart cannot start
   * more than the bucket would have let it start had it lived. The window keeps the last
   * `windowSizeOf(rate, burst)` of them, all that the bound needs (see there).
   */
  constructor(options: TokenBucketOptions, startMs: number, past: readonly number[] = []) {
    const { rate, burst } = validateTokenBucketOptions(options);
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.#refilledAt = startMs;
    this.#window = new Float64Array(windowSizeOf(rate, burst));
    this.#replay(past, startMs);
  }

  get rate(): number {
    return this.#rate;
  }

  get burst(): number {
    return this.#burst;
  }

  /**
   * Milliseconds to wait before a start is allowed at `now`; 0 means now. A positive answer is
   * remembered: the caller coming back late is not a pause and keeps the lateness room.
   */
  delayUntilNext(now: number): number {
    this.#refill(now);
    const tokenDelay =
      this.#tokens >= 1 - TOKEN_EPSILON ? 0 : ((1 - this.#tokens) * 1000) / this.#rate;
    const windowDelay = this.#oldestInWindow() + WINDOW_MS - now;
    const delay = Math.max(tokenDelay, windowDelay);
    if (!(delay > 0)) return 0;
    const wait = Math.max(delay, MIN_DELAY_MS);
    this.#promisedAt = now + wait;
    return wait;
  }

  /** Records a start at `now`; throws if `delayUntilNext(now)` was not 0. */
  take(now: number): void {
    if (this.delayUntilNext(now) > 0) {
      throw new Error("TokenBucket.take() called before a start was allowed");
    }
    if (this.#afterPause(now)) this.#tokens = Math.min(this.#tokens, this.#burst);
    this.#tokens -= 1;
    this.#promisedAt = undefined;
    this.#lastStart = now;
    this.#window[this.#head] = now;
    this.#head = (this.#head + 1) % this.#window.length;
    this.#recorded += 1;
  }

  /** Changes the rate from `now` on; the tokens already earned are kept up to the new cap. */
  setRate(rate: number, now: number): void {
    validateTokenBucketOptions({ rate, burst: this.#burst });
    this.#refill(now);
    this.#rate = rate;
    this.#tokens = Math.min(this.#tokens, this.#capacity());
    this.#promisedAt = undefined;
    this.#resizeWindow(windowSizeOf(rate, this.#burst));
  }

  /**
   * The tokens are replayed from none left after the oldest past start. What the killed bucket
   * held before it is unknown; starting from the least it could have held gives at most what it
   * held after each start, since each step (refill, cap, take one) keeps the order, and that
   * bucket never held less than 0 after a take nor had a cap below `burst`. So a restart starts
   * no more than the killed process could have, had it lived (the window keeps the hard bound
   * whatever the tokens). Capped at `burst`, not the lateness room: that is for a caller who
   * was told to wait, and a restart has none.
   */
  #replay(past: readonly number[], startMs: number): void {
    let at = past[0];
    if (at === undefined) return;
    let tokens = 1;
    for (const given of past) {
      // Out of order or ahead of us (a clock stepped back): as if just then, which only slows.
      const start = Math.min(Math.max(given, at), startMs);
      tokens = Math.max(0, Math.min(this.#burst, tokens + ((start - at) * this.#rate) / 1000) - 1);
      at = start;
      this.#window[this.#head] = start;
      this.#head = (this.#head + 1) % this.#window.length;
      this.#recorded += 1;
    }
    this.#tokens = Math.min(this.#burst, tokens + ((startMs - at) * this.#rate) / 1000);
    this.#lastStart = at;
  }

  /** Nobody was waiting (or gave up long ago) and the last start is not recent. */
  #afterPause(now: number): boolean {
    const waited = this.#promisedAt !== undefined && now - this.#promisedAt <= LATE_WAITER_MS;
    const sameRun = now - this.#lastStart <= Math.max(SAME_RUN_GAP_MS, 1000 / this.#rate);
    return !waited && !sameRun;
  }

  #capacity(): number {
    return this.#burst + (this.#rate * latenessAllowanceMs(this.#rate)) / 1000;
  }

  #refill(now: number): void {
    const elapsed = now - this.#refilledAt;
    if (elapsed <= 0) return;
    this.#tokens = Math.min(this.#capacity(), this.#tokens + (elapsed * this.#rate) / 1000);
    this.#refilledAt = now;
  }

  #oldestInWindow(): number {
    if (this.#recorded < this.#window.length) return Number.NEGATIVE_INFINITY;
    return this.#window[this.#head] ?? Number.NEGATIVE_INFINITY;
  }

  #resizeWindow(size: number): void {
    if (size === this.#window.length) return;
    const kept = Math.min(this.#recorded, this.#window.length, size);
    const next = new Float64Array(size);
    for (let i = 0; i < kept; i++) {
      const from = (this.#head - kept + i + this.#window.length) % this.#window.length;
      next[i] = this.#window[from] ?? 0;
    }
    this.#window = next;
    this.#recorded = kept;
    this.#head = kept % size;
  }
}

/**
 * The starts the sliding window keeps: ⌊rate + burst⌋ ≥ burst ≥ 1, so even 0.1/s keeps one.
 *
 * It is also all of a previous process's starts that a bucket resumed after it needs (the
 * journal is asked for no more). A count of starts is whole, so a window over the bound holds
 * ⌊rate + burst⌋ + 1. Say a 1 s window [x, x + 1000) did, the latest at t being the new
 * bucket's (a window whose latest is a past start holds none of the new bucket's: they all
 * come after). The starts in a window are consecutive, so the ⌊rate + burst⌋ before t lie in
 * it, after x > t − 1000. They are the latest before t, so the ring held them all at t: the new
 * bucket's own and, for the rest, the latest past ones. Its oldest was less than 1000 ms old,
 * so t was refused: no window holding a new start holds more than rate + burst.
 */
export function windowSizeOf(rate: number, burst: number): number {
  return Math.floor(rate + burst);
}

/**
 * Checks rate and burst as given on a command line (numbers, or strings such as "2.5") and
 * returns them as numbers; throws a RangeError that names the option and what was given.
 */
export function validateTokenBucketOptions(input: {
  rate: unknown;
  burst: unknown;
}): TokenBucketOptions {
  const rate = toNumber(input.rate);
  if (!(rate > 0 && rate <= MAX_RATE)) {
    throw new RangeError(`rate must be a number > 0 and ≤ ${MAX_RATE}, got ${show(input.rate)}`);
  }
  const burst = toNumber(input.burst);
  if (!(Number.isInteger(burst) && burst >= 1 && burst <= MAX_BURST)) {
    throw new RangeError(
      `burst must be an integer ≥ 1 and ≤ ${MAX_BURST}, got ${show(input.burst)}`,
    );
  }
  return { rate, burst };
}

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return Number.NaN;
}

function show(value: unknown): string {
  return typeof value === "string" && value.trim() === "" ? JSON.stringify(value) : String(value);
}
