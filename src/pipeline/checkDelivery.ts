import { classifyFetchError, type FetchFailure } from "../core/classifyFetchError.js";
import type { Clock } from "../core/clock.js";
import { backoffMs } from "../core/decideAttempt.js";
import { decideDelivery } from "../core/decideDelivery.js";
import {
  type AwaitingDelivery,
  recordDelivery,
  rowsAwaitingDelivery,
} from "../journal/deliveryRows.js";
import type { Journal } from "../journal/journal.js";
import { OPERATIONS } from "../operations/registry.js";
import type { Messenger } from "../twilio/messenger.js";
import { dispatch, type InFlight } from "./dispatch.js";
import type { Schedule } from "./sendRows.js";

/** The APIs whose sent rows have a delivery status to fetch (Messages). */
function deliveryApis(): string[] {
  return Object.values(OPERATIONS)
    .filter((op) => op.delivery)
    .map((op) => op.name);
}

export interface CheckDeliveryArgs {
  journal: Journal;
  runId: number;
  messenger: Messenger;
  schedule: Schedule;
  /** Fetches per message for answers worth repeating (429, 5xx, a dropped connection). */
  maxAttempts: number;
  clock: Clock;
  signal: AbortSignal;
  /** Counts the requests in flight, for the CLI's notice on a signal. */
  inFlight?: InFlight | undefined;
  onChecked?(status: string): void;
  random?: () => number;
}

export interface CheckDeliveryResult {
  /** Messages whose status was fetched and recorded. */
  checked: number;
  /** How many of those are in each status now. */
  statuses: Record<string, number>;
  /** Numbers newly put on the suppression list (30006 and the like). */
  suppressed: number;
  /** Messages Twilio does not know (404): deleted, or sent from another account. */
  notFound: number;
  /**
   * Messages Twilio refused to look up with another 4xx (400, 405…): asking again will not
   * change the answer, so they are reported but do not make `status` exit 75.
   */
  refused: number;
  /** Messages that could not be checked this time (429, 5xx, network): worth asking again. */
  unchecked: number;
  stopped: { exitCode: 77; message: string } | null;
  interrupted: boolean;
}

interface Item extends AwaitingDelivery {
  tries: number;
}

/**
 * Asks Twilio what became of every sent message not yet final, through the same rate limiter
 * as sending, and records it. A fetch changes nothing at Twilio, so any failure may be retried.
 */
export async function checkDelivery(args: CheckDeliveryArgs): Promise<CheckDeliveryResult> {
  const random = args.random ?? Math.random;
  const result: CheckDeliveryResult = {
    checked: 0,
    statuses: {},
    suppressed: 0,
    notFound: 0,
    refused: 0,
    unchecked: 0,
    stopped: null,
    interrupted: false,
  };
  const summary = await dispatch<Item>({
    items: withTries(rowsAwaitingDelivery(args.journal, args.runId, 500, deliveryApis())),
    ...args.schedule,
    clock: args.clock,
    signal: args.signal,
    inFlight: args.inFlight,
    worker: async (item) => {
      let remote: Awaited<ReturnType<Messenger["fetch"]>>;
      try {
        remote = await args.messenger.fetch(item.sid);
      } catch (error) {
        const verdict = classifyFetchError(fetchFailure(error));
        if (verdict.kind === "stop") {
          result.stopped ??= { exitCode: verdict.exitCode, message: verdict.message };
          return { kind: "stop" };
        }
        item.tries++;
        if (verdict.kind === "retry" && item.tries < args.maxAttempts) {
          const policy = { maxAttempts: args.maxAttempts, baseDelayMs: 1000, maxDelayMs: 30_000 };
          return { kind: "retry", afterMs: backoffMs(item.tries, { ...policy, random: random() }) };
        }
        if (verdict.kind === "skip" && verdict.reason === "not_found") result.notFound++;
        else if (verdict.kind === "skip") result.refused++;
        else result.unchecked++;
        return { kind: "done" };
      }
      const update = decideDelivery(remote);
      if (await recordDelivery(args.journal, item, update)) result.suppressed++;
      result.checked++;
      result.statuses[update.status] = (result.statuses[update.status] ?? 0) + 1;
      args.onChecked?.(update.status);
      return { kind: "done" };
    },
  });
  result.interrupted = summary.reason === "signal";
  return result;
}

async function* withTries(rows: AsyncIterable<AwaitingDelivery>): AsyncGenerator<Item> {
  for await (const row of rows) yield { ...row, tries: 0 };
}

/** Only the status, code and message: a transport error's config holds the Authorization header. */
function fetchFailure(error: unknown): FetchFailure {
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const status = typeof e.status === "number" ? e.status : null;
  const code = typeof e.code === "number" || typeof e.code === "string" ? e.code : null;
  const message = typeof e.message === "string" ? e.message : "fetch failed";
  return { status, code, message };
}
