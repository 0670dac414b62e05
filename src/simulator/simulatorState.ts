import type { CreateRecord } from "./createRecord.js";
import { defaultFinalizeRule, type FinalizeRule } from "./defaultFinalizeRule.js";
import { drawFault, type Fault } from "./faults.js";
import { MessageStore } from "./messageStore.js";
import { createPrng, deriveSeed, type Prng } from "./prng.js";
import {
  type ResolvedSimulatorOptions,
  resolveSimulatorOptions,
  type SimulatorOptions,
  type SimulatorOptionsPatch,
} from "./simulatorOptions.js";
import { SlidingWindow } from "./slidingWindow.js";

/** A create that has arrived: its record (filled in as it is decided) and its fault. */
export interface PendingCreate {
  record: CreateRecord;
  fault: Fault;
}

/** Everything a running simulator knows, shared by the API routes, /_sim/ and the test handle. */
export class SimulatorState {
  options: ResolvedSimulatorOptions;
  readonly creates: CreateRecord[] = [];
  readonly rateWindow = new SlidingWindow(1000);
  readonly store: MessageStore;
  #faults: Prng;
  #jitter: Prng;
  #sids: Prng;

  constructor(options: SimulatorOptions) {
    this.options = resolveSimulatorOptions(options);
    this.#faults = createPrng(deriveSeed(this.options.seed, 0));
    this.#jitter = createPrng(deriveSeed(this.options.seed, 1));
    this.#sids = createPrng(deriveSeed(this.options.seed, 2));
    this.store = new MessageStore(() => this.#sids());
  }

  setOptions(patch: SimulatorOptionsPatch): void {
    const next = resolveSimulatorOptions(patch, this.options);
    if (next.port !== this.options.port) throw new RangeError("`port` cannot change while running");
    if (next.seed !== this.options.seed) {
      this.#faults = createPrng(deriveSeed(next.seed, 0));
      this.#jitter = createPrng(deriveSeed(next.seed, 1));
      this.#sids = createPrng(deriveSeed(next.seed, 2));
    }
    this.options = next;
  }

  /** Records a create at its arrival and draws its fault, before anything can reorder them. */
  arriveCreate(at: number, wallMs: number): PendingCreate {
    const record: CreateRecord = {
      at,
      wallMs,
      to: null,
      body: null,
      statusCallback: null,
      outcome: "rejected",
      httpStatus: null,
      code: null,
      sid: null,
    };
    this.creates.push(record);
    return { record, fault: drawFault(this.#faults, this.options) };
  }

  /** This request's wait before its answer, in ms. */
  delay(): number {
    const { latencyMs, jitterMs } = this.options;
    return latencyMs + this.#jitter() * jitterMs;
  }

  setStatus(sid: string, status: string, errorCode: number | null = null): void {
    this.store.setStatus(sid, status, errorCode, new Date());
  }

  finalize(rule: FinalizeRule = defaultFinalizeRule): number {
    return this.store.finalize(rule, new Date());
  }
}
