import type { Clock } from "../../src/core/clock.js";
import { createPrng } from "../../src/simulator/prng.js";

interface Timer {
  due: number;
  seq: number;
  resolve(): void;
}

export interface FakeClockOptions {
  /** @default 0 */
  startMs?: number;
  /**
   * Jump to the earliest timer whenever every promise chain has settled.
   * @default true
   */
  autoAdvance?: boolean;
  /** Extra ms a timer fires after its due time, as real timers do; use a seeded generator. */
  lateness?: () => number;
}

/**
 * Virtual time for schedulers. With auto-advance, a setImmediate check runs once the
 * microtask queue is empty — that is, once all promise-driven work is idle — and fires the
 * earliest timer (ties in the order they were set), one at a time. So a run is deterministic
 * and takes no real time however long it lasts in virtual time.
 *
 * `sleep(ms, signal)` also honours an abort signal (clears the timer, rejects with the reason),
 * so tests can see that callers do not leave timers behind.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers: Timer[] = [];
  readonly #autoAdvance: boolean;
  readonly #lateness: () => number;
  #checkScheduled = false;
  /** The most timers ever pending at once. */
  maxPending = 0;
  sleepCalls = 0;

  constructor(options: FakeClockOptions = {}) {
    this.#now = options.startMs ?? 0;
    this.#autoAdvance = options.autoAdvance ?? true;
    this.#lateness = options.lateness ?? (() => 0);
  }

  now(): number {
    return this.#now;
  }

  get pending(): number {
    return this.#timers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleepCalls += 1;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const due = this.#now + Math.max(0, ms) + this.#lateness();
    return new Promise((resolve, reject) => {
      const timer: Timer = { due, seq: this.#seq++, resolve };
      if (signal) {
        const onAbort = () => {
          this.#remove(timer);
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        timer.resolve = () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        };
      }
      this.#insert(timer);
      this.maxPending = Math.max(this.maxPending, this.#timers.length);
      this.#scheduleCheck();
    });
  }

  /** Moves time forward by `ms`, firing due timers in order and letting each one's work run. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (let next = this.#timers[0]; next && next.due <= target; next = this.#timers[0]) {
      this.#fire();
      await settle();
    }
    this.#now = Math.max(this.#now, target);
  }

  /** Lets every pending promise chain run without moving time. */
  settle(): Promise<void> {
    return settle();
  }

  #fire(): void {
    const timer = this.#timers.shift();
    if (!timer) return;
    this.#now = Math.max(this.#now, timer.due);
    timer.resolve();
  }

  #scheduleCheck(): void {
    if (!this.#autoAdvance || this.#checkScheduled) return;
    this.#checkScheduled = true;
    setImmediate(() => {
      this.#checkScheduled = false;
      this.#fire();
      if (this.#timers.length > 0) this.#scheduleCheck();
    });
  }

  #insert(timer: Timer): void {
    let low = 0;
    let high = this.#timers.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const other = this.#timers[mid];
      if (other && (other.due < timer.due || (other.due === timer.due && other.seq < timer.seq))) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    this.#timers.splice(low, 0, timer);
  }

  #remove(timer: Timer): void {
    const index = this.#timers.indexOf(timer);
    if (index !== -1) this.#timers.splice(index, 1);
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A small seeded generator (the simulator's mulberry32), so "random" lateness is the same on every run. */
export function seededRandom(seed: number): () => number {
  return createPrng(seed);
}
