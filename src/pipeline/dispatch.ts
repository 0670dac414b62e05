import type { Clock } from "../core/clock.js";
import { validateTokenBucketOptions } from "../core/tokenBucket.js";
import { abortableSleep } from "./abortableSleep.js";
import { Pacer } from "./pacer.js";
import type { StartGate } from "./startGate.js";

/**
 * Workers running right now, counted by every dispatch that is given it: the CLI words its
 * notice on a signal or a closed pipe by it ("finishing the requests in flight" only when
 * there are some).
 */
export interface InFlight {
  count: number;
}

/** What became of one start; the dispatcher only schedules, the caller records outcomes. */
export type WorkResult =
  | { kind: "done" }
  /** Start this item again after `afterMs`; it takes a token again and holds no slot meanwhile. */
  | { kind: "retry"; afterMs: number }
  /** Nothing more will succeed (bad credentials, say): start nothing else, let in-flight finish. */
  | { kind: "stop" };

/** Handed to each worker call, for slowing down on a 429 and speeding up again. */
export interface DispatchControl {
  readonly rate: number;
  /** Applies to the next start. Throws a RangeError unless 0 < rate ≤ 100,000. */
  setRate(rate: number): void;
}

export interface DispatchOptions<T> {
  /** Pulled lazily: at most one item is read ahead of the starts, so memory stays flat. */
  items: AsyncIterable<T>;
  /** Starts per second over a long run; decimals allowed. */
  rate: number;
  /** Starts allowed back to back; no 1 s window holds more than rate + burst starts. */
  burst: number;
  /** Workers running at once; an integer ≥ 1. */
  concurrency: number;
  /**
   * The starts' gate when it is shared with other senders (the account's rate in the journal);
   * absent: a token bucket of this dispatch's own at rate and burst.
   */
  gate?: StartGate | undefined;
  clock: Clock;
  /** Aborted: start nothing more, wait for the workers in flight, resolve. */
  signal?: AbortSignal;
  /** Incremented as each worker starts, decremented as it ends. */
  inFlight?: InFlight | undefined;
  /** Called every time an item starts (a retry starts again), just before its worker. */
  onStart?(item: T): void;
  /**
   * Asked of each item just before it waits for its token (a retry too): true means there is
   * nothing to start (its number opted out meanwhile, say), so it takes no token and no slot
   * and is not counted as started; the caller records why. A throw fails the run like a
   * worker's.
   */
  skip?(item: T): boolean;
  /** Should not throw: a throw stops the run like `stop`, and dispatch then rejects with it. */
  worker(item: T, control: DispatchControl): Promise<WorkResult>;
}

export interface DispatchSummary {
  /** Worker calls, retries included. */
  started: number;
  /** The run ended before every item was started and finished. */
  stoppedEarly: boolean;
  reason?: "signal" | "stop";
}

/**
 * Starts each item's worker when the rate allows and a concurrency slot is free.
 *
 * Concurrency is a counter of our own rather than p-limit: p-limit queues functions, so it
 * would need the items read in advance (memory grows with the list), and would keep an item
 * waiting for its retry delay in a slot or force it back through the queue out of order. Here a
 * slot is taken first, then a token, and the worker starts at once, so the start times the bucket
 * recorded are the real ones. An item `skip` drops never reaches the bucket: a run with skipped
 * rows still starts the others at the full rate.
 *
 * Throws a RangeError at once when rate, burst or concurrency is out of range.
 */
export function dispatch<T>(options: DispatchOptions<T>): Promise<DispatchSummary> {
  const { rate, burst } = validateTokenBucketOptions(options);
  if (!(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
    throw new RangeError(`concurrency must be an integer ≥ 1, got ${String(options.concurrency)}`);
  }
  return new Run(options, options.gate ?? new Pacer({ rate, burst }, options.clock)).run();
}

/** A turn of the start loop ended by a change (a retry due, a slot free) rather than a read. */
const CHANGED = Symbol("changed");

class Run<T> {
  readonly #options: DispatchOptions<T>;
  readonly #pacer: StartGate;
  readonly #control: DispatchControl;
  /** Aborted by the caller's signal, a `stop` result or a failure: start nothing more. */
  readonly #halt = new AbortController();
  #reason: "signal" | "stop" | undefined;
  #failure: { error: unknown } | undefined;
  /** Retries whose delay has passed; served before new items. */
  readonly #ready: T[] = [];
  #delayed = 0;
  #inFlight = 0;
  #started = 0;
  #wake: (() => void) | undefined;

  constructor(options: DispatchOptions<T>, pacer: StartGate) {
    this.#options = options;
    this.#pacer = pacer;
    this.#control = {
      get rate() {
        return pacer.rate;
      },
      setRate: (rate) => pacer.setRate(rate),
    };
  }

  async run(): Promise<DispatchSummary> {
    const { signal } = this.#options;
    const onAbort = () => this.#stop("signal");
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const source = this.#options.items[Symbol.asyncIterator]();
    try {
      await this.#startAll(source);
      while (this.#inFlight > 0) await this.#changed();
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
    if (this.#failure) throw this.#failure.error;
    const summary: DispatchSummary = { started: this.#started, stoppedEarly: !!this.#reason };
    if (this.#reason) summary.reason = this.#reason;
    return summary;
  }

  async #startAll(source: AsyncIterator<T>): Promise<void> {
    let exhausted = false;
    /** The one item read ahead, kept while it waits for a slot and a token. */
    let ahead: { value: T } | undefined;
    /** The read in progress: kept across turns while retries go first. */
    let pulling: Promise<IteratorResult<T> | undefined> | undefined;
    while (!this.#halt.signal.aborted) {
      if (this.#inFlight >= this.#options.concurrency) {
        await this.#changed();
        continue;
      }
      if (this.#ready.length === 0 && !ahead && !exhausted) {
        pulling ??= this.#pull(source);
        // A source can take long to give its next item (a worker on a shared run waits while
        // its peers hold rows): a retry falling due meanwhile must not wait for it.
        const next = await Promise.race([
          pulling,
          this.#changed().then((): typeof CHANGED => CHANGED),
        ]);
        if (this.#halt.signal.aborted) break;
        if (next === CHANGED) continue;
        pulling = undefined;
        if (next?.done) exhausted = true;
        else if (next) ahead = { value: next.value };
      }
      if (this.#ready.length === 0 && !ahead) {
        if (exhausted && this.#inFlight === 0 && this.#delayed === 0) return;
        await this.#changed();
        continue;
      }
      if (
        this.#ready.length > 0
          ? this.#skipped(this.#ready[0] as T)
          : ahead && this.#skipped(ahead.value)
      ) {
        if (this.#ready.length > 0) this.#ready.shift();
        else ahead = undefined;
        continue;
      }
      const allowed = await this.#pacer.acquire(this.#halt.signal).then(
        () => true,
        () => false,
      );
      if (!allowed || this.#halt.signal.aborted) break;
      // A retry that fell due while we waited for the token goes before the item read ahead.
      if (this.#ready.length > 0) this.#start(this.#ready.shift() as T);
      else if (ahead) {
        this.#start(ahead.value);
        ahead = undefined;
      }
    }
    if (!exhausted && !this.#failure) void source.return?.()?.catch(() => {});
  }

  /** Reads the next item, giving up as soon as the run halts (a slow stdin must not hold it). */
  #pull(source: AsyncIterator<T>): Promise<IteratorResult<T> | undefined> {
    // Not Promise.race against one long-lived "halted" promise: every race would leave a
    // reaction on it, a leak that grows with the number of items.
    const { signal } = this.#halt;
    return new Promise((resolve) => {
      const onHalt = () => resolve(undefined);
      signal.addEventListener("abort", onHalt, { once: true });
      source.next().then(
        (next) => {
          signal.removeEventListener("abort", onHalt);
          resolve(next);
        },
        (error: unknown) => {
          signal.removeEventListener("abort", onHalt);
          this.#fail(error);
          resolve(undefined);
        },
      );
    });
  }

  /** Whether the next item is to be dropped unstarted; a throw halts the run. */
  #skipped(item: T): boolean {
    if (!this.#options.skip) return false;
    try {
      return this.#options.skip(item);
    } catch (error) {
      this.#fail(error);
      return false;
    }
  }

  #start(item: T): void {
    this.#started += 1;
    this.#inFlight += 1;
    if (this.#options.inFlight) this.#options.inFlight.count += 1;
    void this.#work(item);
  }

  async #work(item: T): Promise<void> {
    let result: WorkResult = { kind: "done" };
    try {
      this.#options.onStart?.(item);
      result = await this.#options.worker(item, this.#control);
    } catch (error) {
      this.#fail(error);
    }
    this.#inFlight -= 1;
    if (this.#options.inFlight) this.#options.inFlight.count -= 1;
    if (result.kind === "stop") this.#stop("stop");
    if (result.kind === "retry" && !this.#halt.signal.aborted) void this.#retryLater(item, result);
    this.#notify();
  }

  async #retryLater(item: T, { afterMs }: { afterMs: number }): Promise<void> {
    this.#delayed += 1;
    await abortableSleep(this.#options.clock, Math.max(0, afterMs) || 0, this.#halt.signal);
    this.#delayed -= 1;
    if (!this.#halt.signal.aborted) this.#ready.push(item);
    this.#notify();
  }

  #stop(reason: "signal" | "stop"): void {
    this.#reason ??= reason;
    this.#halt.abort();
    this.#notify();
  }

  #fail(error: unknown): void {
    this.#failure ??= { error };
    this.#halt.abort();
    this.#notify();
  }

  /** Resolves at the next state change; only the one start loop ever waits on it. */
  #changed(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
