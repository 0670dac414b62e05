import type { Clock } from "../core/clock.js";
import { abortableSleep } from "./abortableSleep.js";

/**
 * What a pacer answers when asked for the next start: ms to wait (0: now, and the start is
 * taken), or work to finish first (a reservation).
 */
export type Opening = number | Promise<void>;

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort(): void;
}

/**
 * Callers waiting for a start, first come, first served, and the one loop that serves them: it
 * asks the pacer for the next opening and holds at most one timer, set for exactly that, so
 * nothing polls and a slow clock cannot make it spin. A waiter that aborts leaves at once with
 * its signal's reason. The pacers keep the timing; this keeps who is next.
 */
export class WaiterQueue {
  readonly #waiters: Waiter[] = [];
  readonly #clock: Clock;
  readonly #opening: () => Opening;
  #pumping = false;
  /** Wakes the loop early: its waiters all left, or the rate changed. */
  #interrupt: AbortController | undefined;

  constructor(clock: Clock, opening: () => Opening) {
    this.#clock = clock;
    this.#opening = opening;
  }

  get size(): number {
    return this.#waiters.length;
  }

  /** Resolves when served; rejects with the signal's reason if it aborts first. */
  add(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const waiting = new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: () => this.#leave(waiter) };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
    void this.#pump();
    return waiting;
  }

  /** Asks for the opening again now (the rate changed). */
  wake(): void {
    this.#interrupt?.abort();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#waiters.length > 0) {
        const opening = this.#opening();
        if (typeof opening !== "number") await opening;
        else if (opening > 0) {
          this.#interrupt = new AbortController();
          await abortableSleep(this.#clock, opening, this.#interrupt.signal);
          this.#interrupt = undefined;
        } else this.#serveFirst();
      }
    } catch (error) {
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    } finally {
      this.#pumping = false;
    }
  }

  #serveFirst(): void {
    const head = this.#waiters.shift();
    head?.signal?.removeEventListener("abort", head.onAbort);
    head?.resolve();
  }

  #leave(waiter: Waiter): void {
    const index = this.#waiters.indexOf(waiter);
    if (index !== -1) this.#waiters.splice(index, 1);
    // Nobody left for the timer to wake.
    if (this.#waiters.length === 0) this.#interrupt?.abort();
    waiter.reject(waiter.signal?.reason);
  }
}
