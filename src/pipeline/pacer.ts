import type { Clock } from "../core/clock.js";
import { TokenBucket, type TokenBucketOptions } from "../core/tokenBucket.js";
import type { StartGate } from "./startGate.js";
import { WaiterQueue } from "./waiterQueue.js";

/** setTimeout treats anything longer as 1 ms; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The waiting side of a TokenBucket: `acquire()` resolves when a start is allowed, at once
 * without a timer while a token is there, else in turn (WaiterQueue).
 */
export class Pacer implements StartGate {
  readonly #bucket: TokenBucket;
  readonly #clock: Clock;
  readonly #waiters: WaiterQueue;

  /** `past`: starts made before this pacer, on `clock`, oldest first (TokenBucket). */
  constructor(options: TokenBucketOptions, clock: Clock, past: readonly number[] = []) {
    this.#clock = clock;
    this.#bucket = new TokenBucket(options, clock.now(), past);
    this.#waiters = new WaiterQueue(clock, () => this.#opening());
  }

  get rate(): number {
    return this.#bucket.rate;
  }

  /** Starts waiting now, in this order. Validated like the options (RangeError). */
  setRate(rate: number): void {
    this.#bucket.setRate(rate, this.#clock.now());
    this.#waiters.wake();
  }

  /** Resolves when a start is allowed; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#waiters.size === 0 && this.#opening() === 0) return Promise.resolve();
    return this.#waiters.add(signal);
  }

  /** The bucket's next opening; 0 takes the start. */
  #opening(): number {
    const now = this.#clock.now();
    const delay = this.#bucket.delayUntilNext(now);
    if (delay > 0) return Math.min(delay, MAX_TIMER_MS);
    this.#bucket.take(now);
    return 0;
  }
}
