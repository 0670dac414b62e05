interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort(): void;
}

/**
 * Callers waiting for a start, first come, first served; one that aborts leaves at once with
 * its signal's reason. The pacers keep their timing; this keeps who is next.
 */
export class WaiterQueue {
  readonly #waiters: Waiter[] = [];
  /** Called when the last waiter left by aborting: the pacer's timer has nobody to wake. */
  readonly #onEmpty: () => void;

  constructor(onEmpty: () => void) {
    this.#onEmpty = onEmpty;
  }

  get size(): number {
    return this.#waiters.length;
  }

  /** Resolves when served; rejects with the signal's reason if it aborts first. */
  add(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: () => this.#leave(waiter) };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  serveFirst(): void {
    const head = this.#waiters.shift();
    head?.signal?.removeEventListener("abort", head.onAbort);
    head?.resolve();
  }

  failAll(error: unknown): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  #leave(waiter: Waiter): void {
    const index = this.#waiters.indexOf(waiter);
    if (index !== -1) this.#waiters.splice(index, 1);
    if (this.#waiters.length === 0) this.#onEmpty();
    waiter.reject(waiter.signal?.reason);
  }
}
