import type { CreateRecord } from "./createRecord.js";
import { defaultFinalizeRule, type FinalizeRule } from "./defaultFinalizeRule.js";
import { drawFault, type Fault } from "./faults.js";
import { makeSid } from "./makeSid.js";
import { MessageStore } from "./messageStore.js";
import { createPrng, deriveSeed, type Prng } from "./prng.js";
import { ResourceStore } from "./resourceStore.js";
import type { ApiName } from "./routes.js";
import { CALL_STATUSES, FINAL_CALL_STATUSES, type SimCall } from "./simCall.js";
import { EXECUTION_STATUSES, type SimExecution } from "./simExecution.js";
import {
  type ResolvedSimulatorOptions,
  resolveSimulatorOptions,
  type SimulatorOptions,
  type SimulatorOptionsPatch,
} from "./simulatorOptions.js";
import { type SimVerification, VERIFICATION_STATUSES } from "./simVerification.js";
import { SlidingWindow } from "./slidingWindow.js";

/** A metered request that has arrived: its record (filled in as it is decided) and its fault. */
export interface PendingCreate {
  record: CreateRecord;
  fault: Fault;
}

/** Everything a running simulator knows, shared by the API routes, /_sim/ and the test handle. */
export class SimulatorState {
  options: ResolvedSimulatorOptions;
  readonly creates: CreateRecord[] = [];
  readonly store: MessageStore;
  readonly calls: ResourceStore<SimCall>;
  /** Keyed by "<service sid> <to>": Verify limits sends per number and service. */
  readonly verifications: ResourceStore<SimVerification>;
  /** Keyed by flow sid: a list of executions is a flow's. */
  readonly executions: ResourceStore<SimExecution>;
  /** "<flow sid> <to>" -> the sid of that contact's active execution. */
  readonly activeExecutions = new Map<string, string>();
  // One window per API: Twilio limits each API on its own, not an account's sum.
  readonly #windows = new Map<ApiName, SlidingWindow>();
  #faults: Prng;
  #jitter: Prng;
  #sids: Prng;

  constructor(options: SimulatorOptions) {
    this.options = resolveSimulatorOptions(options);
    this.#faults = createPrng(deriveSeed(this.options.seed, 0));
    this.#jitter = createPrng(deriveSeed(this.options.seed, 1));
    this.#sids = createPrng(deriveSeed(this.options.seed, 2));
    const sids = () => this.#sids();
    this.store = new MessageStore(sids);
    this.calls = new ResourceStore("CA", sids, (call) => call.to);
    this.verifications = new ResourceStore("VE", sids, (v) => `${v.serviceSid} ${v.to}`);
    this.executions = new ResourceStore("FN", sids, (execution) => execution.flowSid);
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

  /** Records a metered request at its arrival and draws its fault, before anything can reorder them. */
  arriveCreate(api: ApiName, at: number, wallMs: number): PendingCreate {
    const record: CreateRecord = {
      api,
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

  /** Counts a request of `api` at `at` against its 1 s limit; false when over it. */
  tryTakeRate(api: ApiName, at: number): boolean {
    let window = this.#windows.get(api);
    if (!window) {
      window = new SlidingWindow(1000);
      this.#windows.set(api, window);
    }
    const { mps, studioMps } = this.options;
    return window.tryTake(at, api === "studio" ? Math.min(mps, studioMps) : mps);
  }

  /** A sid for something that is not stored on its own (e.g. a verification's attempt). */
  newSid(prefix: string): string {
    return makeSid(prefix, this.#sids, () => false);
  }

  /** This request's wait before its answer, in ms. */
  delay(): number {
    const { latencyMs, jitterMs } = this.options;
    return latencyMs + this.#jitter() * jitterMs;
  }

  /** Sets the status of a message (SM…), call (CA…), verification (VE…) or execution (FN…). */
  setStatus(sid: string, status: string, errorCode: number | null = null): void {
    const now = new Date();
    const other = this.#resource(sid);
    if (!other) {
      this.store.setStatus(sid, status, errorCode, now);
      return;
    }
    if (!other.statuses.includes(status)) {
      throw new RangeError(`status must be one of ${other.statuses.join(", ")}, got \`${status}\``);
    }
    other.apply(status, now);
  }

  /** Whether `sid` names anything the simulator created. */
  has(sid: string): boolean {
    return this.find(sid) !== undefined;
  }

  /** The message, call, verification or execution with this sid. */
  find(sid: string): object | undefined {
    return (
      this.store.get(sid) ??
      this.calls.get(sid) ??
      this.verifications.get(sid) ??
      this.executions.get(sid)
    );
  }

  /**
   * Moves every non-final message to the status `rule` picks, every call not over to
   * `completed` and every active execution to `ended`; returns how many moved. Verifications
   * stay as they are: their end is the user's code check, which a bulk send never makes.
   */
  finalize(rule: FinalizeRule = defaultFinalizeRule): number {
    let moved = this.store.finalize(rule, new Date());
    for (const call of this.calls.all()) {
      if (FINAL_CALL_STATUSES.has(call.status)) continue;
      this.setStatus(call.sid, "completed");
      moved++;
    }
    for (const execution of this.executions.all()) {
      if (execution.status !== "active") continue;
      this.setStatus(execution.sid, "ended");
      moved++;
    }
    return moved;
  }

  #resource(
    sid: string,
  ): { statuses: readonly string[]; apply(status: string, now: Date): void } | undefined {
    const call = sid.startsWith("CA") ? this.calls.get(sid) : undefined;
    if (call) {
      return { statuses: CALL_STATUSES, apply: (status, now) => moveCall(call, status, now) };
    }
    const verification = sid.startsWith("VE") ? this.verifications.get(sid) : undefined;
    if (verification) {
      return {
        statuses: VERIFICATION_STATUSES,
        apply: (status, now) => Object.assign(verification, { status, dateUpdated: now }),
      };
    }
    const execution = sid.startsWith("FN") ? this.executions.get(sid) : undefined;
    if (!execution) return undefined;
    return {
      statuses: EXECUTION_STATUSES,
      apply: (status, now) => {
        Object.assign(execution, { status, dateUpdated: now });
        const key = `${execution.flowSid} ${execution.contactChannelAddress}`;
        if (status === "active") this.activeExecutions.set(key, execution.sid);
        else if (this.activeExecutions.get(key) === execution.sid)
          this.activeExecutions.delete(key);
      },
    };
  }
}

/** A call that is dialled gets its start_time; one that is over, its end_time too. */
function moveCall(call: SimCall, status: string, now: Date): void {
  call.status = status;
  call.dateUpdated = now;
  if (status !== "queued" && status !== "canceled") call.startTime ??= now;
  if (FINAL_CALL_STATUSES.has(status)) call.endTime ??= now;
}
