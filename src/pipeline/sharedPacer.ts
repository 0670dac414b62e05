import type { Clock } from "../core/clock.js";
import type { SlotRequest } from "../core/gcra.js";
import { validateTokenBucketOptions } from "../core/tokenBucket.js";
import type { SlotGrant } from "../journal/rateSlots.js";
import type { StartGate } from "./startGate.js";
import { type Opening, WaiterQueue } from "./waiterQueue.js";

/**
 * A slot missed by more than this is given up, not started late: a late start would crowd the
 * next 1 s window past rate + burst for every sender of the account. Two senders at 500/s
 * reached 519–520 in one window when late slots were kept, and stayed within the bound with a
 * 2 ms allowance; 4 ms keeps more of the rate on a loaded host at a cost of rate × 4 ms in the
 * worst window.
 */
export const SLOT_GRACE_MS = 4;
/** Slots reserved per round trip: about 10 ms of the rate, at least 1, at most 20. */
const SLOTS_PER_RESERVATION_MS = 10;
const MAX_SLOTS_PER_RESERVATION = 20;

export type ReserveSlots = (request: SlotRequest) => Promise<SlotGrant>;

/**
 * The start gate of a rate shared by every sender of an account (the journal's limiter row):
 * slots are reserved a few at a time and each start waits for its own. The grant's clock (the
 * database's) is mapped onto ours by the round trip's midpoint, so hosts need no synchronised
 * clocks. Waiters are served in turn (WaiterQueue).
 */
export class SharedPacer implements StartGate {
  #rate: number;
  readonly #burst: number;
  readonly #clock: Clock;
  readonly #reserve: ReserveSlots;
  readonly #waiters: WaiterQueue;
  /** Reserved slots not yet used, on our clock, earliest first. */
  #slots: number[] = [];
  /** When the slots came back: a burst slot earlier than that may start until then + grace. */
  #grantedAt = 0;
  #givenUp = 0;

  constructor(options: { rate: number; burst: number }, clock: Clock, reserve: ReserveSlots) {
    const { rate, burst } = validateTokenBucketOptions(options);
    this.#rate = rate;
    this.#burst = burst;
    this.#clock = clock;
    this.#reserve = reserve;
    this.#waiters = new WaiterQueue(clock, () => this.#opening());
  }

  get rate(): number {
    return this.#rate;
  }

  /** Slots that passed unused (their sender was late): rate lost, never a start too many. */
  get givenUp(): number {
    return this.#givenUp;
  }

  /** The slots already reserved keep their times; the next reservation is at the new rate. */
  setRate(rate: number): void {
    validateTokenBucketOptions({ rate, burst: this.#burst });
    this.#rate = rate;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    return this.#waiters.add(signal);
  }

  /** The next reserved slot's opening; reserves more when none is left. 0 takes the start. */
  #opening(): Opening {
    for (;;) {
      const slot = this.#slots[0];
      if (slot === undefined) return this.#reserveMore();
      const now = this.#clock.now();
      if (now <= Math.max(slot, this.#grantedAt) + SLOT_GRACE_MS) {
        if (now < slot) return slot - now;
        this.#slots.shift();
        return 0;
      }
      this.#slots.shift();
      this.#givenUp += 1;
    }
  }

  async #reserveMore(): Promise<void> {
    const intervalMs = 1000 / this.#rate;
    const count = Math.min(
      MAX_SLOTS_PER_RESERVATION,
      Math.max(1, Math.floor(SLOTS_PER_RESERVATION_MS / intervalMs)),
    );
    const sentAt = this.#clock.now();
    const grant = await this.#reserve({ intervalMs, burst: this.#burst, count });
    const receivedAt = this.#clock.now();
    const offset = grant.nowMs - (sentAt + receivedAt) / 2;
    this.#grantedAt = receivedAt;
    for (let i = 0; i < count; i++) this.#slots.push(grant.firstSlotMs + i * intervalMs - offset);
  }
}
