import type { Clock } from "../core/clock.js";
import { TokenBucket, type TokenBucketOptions } from "../core/tokenBucket.js";
import { abortableSleep } from "./abortableSleep.js";
import type { StartGate } from "./startGate.js";
import { WaiterQueue } from "./waiterQueue.js";

/** setTimeout treats anything longer as 1 ms; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The waiting side of a TokenBucket: `acquire()` resolves when a start is allowed.
 *
 * Waiters are served first come, first served by a single loop that holds at most one timer,
 * set for exactly the bucket's next opening: no polling, and a slow clock cannot make it spin.
 */
export class Pacer implements StartGate {
  readonly #bucket: TokenBucket;
  readonly #clock: Clock;
  readonly #waiters = new WaiterQueue(() => this.#interrupt?.abort());
  #pumping = false;
  /** Wakes the loop early: its waiters all left, or the rate changed. */
  #interrupt: AbortController | undefined;

  constructor(options: TokenBucketOptions, clock: Clock) {
    this.#clock = clock;
    this.#bucket = new TokenBucket(options, clock.now());
  }

  get rate(): number {
    return this.#bucket.rate;
  }

  /** Starts waiting now, in this order. Validated like the options (RangeError). */
  setRate(rate: number): void {
    this.#bucket.setRate(rate, this.#clock.now());
    this.#interrupt?.abort();
  }

  /** Resolves when a start is allowed; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#waiters.size === 0) {
      const now = this.#clock.now();
      if (this.#bucket.delayUntilNext(now) === 0) {
        this.#bucket.take(now);
        return Promise.resolve();
      }
    }
    const waiting = this.#waiters.add(signal);
    void this.#pump();
    return waiting;
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#waiters.size > 0) {
        const now = this.#clock.now();
        const delay = this.#bucket.delayUntilNext(now);
        if (delay > 0) {
          this.#interrupt = new AbortController();
          await abortableSleep(this.#clock, Math.min(delay, MAX_TIMER_MS), this.#interrupt.signal);
          this.#interrupt = undefined;
          continue;
        }
        this.#bucket.take(now);
        this.#waiters.serveFirst();
      }
    } catch (error) {
      this.#waiters.failAll(error);
    } finally {
      this.#pumping = false;
    }
  }
}
