import { classifyFetchError } from "../core/classifyFetchError.js";
import type { Clock } from "../core/clock.js";
import { pickFound } from "../core/pickFound.js";
import { settleInDoubt } from "../core/settleInDoubt.js";
import type { Journal } from "../journal/journal.js";
import {
  type InDoubtRow,
  inDoubtPages,
  knownSids,
  settlePending,
  settleSent,
} from "../journal/reconcileQueries.js";
import type { Operation, Reconciler } from "../operations/operation.js";
import type { TwilioApi } from "../twilio/twilioApi.js";
import { dispatch, type InFlight } from "./dispatch.js";
import { lookupFailure, type ReconcileResult } from "./reconcileRows.js";

type Search = Extract<Reconciler<object>, { kind: "search" }>;

export interface ReconcileSearchArgs {
  journal: Journal;
  runId: number;
  operation: Operation;
  search: Search;
  api: TwilioApi;
  schedule: { rate: number; burst: number; concurrency: number };
  maxAttempts: number;
  graceMs: number;
  clock: Clock;
  signal: AbortSignal;
  /** Counts the requests in flight, for the CLI's notice on a signal. */
  inFlight?: InFlight | undefined;
  wallNow?: () => number;
  /** @default 5 minutes */
  skewMs?: number;
  /** What one list answer holds at most: fewer means the search was complete. @default 1000 */
  listLimit?: number;
}

interface Item {
  row: InDoubtRow;
  tries: number;
}

/**
 * Settles one API's in-doubt rows by its own list (Calls by To and From, a flow's Executions by
 * date): one list call per row, through the rate limiter, then the operation's match. Found →
 * sent; not found, after a complete search and the grace period → pending; else in doubt.
 */
export async function reconcileSearch(args: ReconcileSearchArgs): Promise<ReconcileResult> {
  const wallNow = args.wallNow ?? Date.now;
  const skewMs = args.skewMs ?? 5 * 60_000;
  const limit = args.listLimit ?? 1000;
  const result: ReconcileResult = {
    checked: 0,
    sent: 0,
    duplicates: [],
    pending: 0,
    stillInDoubt: {},
    lookups: 0,
    stopped: null,
    interrupted: false,
  };
  const keep = (reason: string) => {
    result.stillInDoubt[reason] = (result.stillInDoubt[reason] ?? 0) + 1;
  };
  const summary = await dispatch<Item>({
    items: rowsOf(args.journal, args.runId, args.operation.name),
    ...args.schedule,
    clock: args.clock,
    signal: args.signal,
    inFlight: args.inFlight,
    worker: async (item) => {
      const { row } = item;
      item.tries++;
      result.lookups++;
      let remotes: Awaited<ReturnType<Search["find"]>>;
      const nowMs = wallNow();
      try {
        remotes = await args.search.find(args.api, {
          request: row.request,
          to: row.to,
          from: row.firstAttemptAt - skewMs,
          until: nowMs + skewMs,
        });
      } catch (error) {
        const failure = lookupFailure(error);
        const verdict = classifyFetchError(failure);
        const code = failure.code ?? failure.status;
        if (verdict.kind === "stop") {
          const message = `Twilio refused to list ${args.operation.name}: ${verdict.message}`;
          result.stopped ??= { exitCode: verdict.exitCode, message };
          keep(message);
          return { kind: "stop" };
        }
        if (verdict.kind === "retry" && item.tries < args.maxAttempts) {
          return { kind: "retry", afterMs: Math.min(30_000, 1000 * 2 ** (item.tries - 1)) };
        }
        keep(
          `could not list ${args.operation.name}: ${failure.message}${code ? ` (${code})` : ""}`,
        );
        return { kind: "done" };
      }
      result.checked++;
      const found = pickFound(
        remotes.filter((remote) => args.search.match(row.request, remote)),
        {
          attemptAt: row.firstAttemptAt,
          nowMs,
          skewMs,
          knownSids: knownSids(args.journal, args.runId, row.to),
        },
      );
      const settlement = settleInDoubt(
        { idx: row.idx, sid: found.sid, duplicates: found.duplicates },
        {
          lastAttemptAt: row.lastAttemptAt,
          nowMs,
          graceMs: args.graceMs,
          listComplete: remotes.length < limit,
          listName: `Twilio's ${args.operation.name} list`,
        },
      );
      if (settlement.state === "sent") {
        const status = remotes.find((r) => r.sid === settlement.sid)?.status ?? null;
        settleSent(args.journal, args.runId, row.idx, {
          sid: settlement.sid,
          status,
          duplicates: settlement.duplicates,
        });
        result.sent++;
        if (settlement.duplicates.length > 0) {
          const { idx, line, to } = row;
          result.duplicates.push({
            idx,
            line,
            to,
            sid: settlement.sid,
            duplicates: settlement.duplicates,
          });
        }
      } else if (settlement.state === "pending") {
        settlePending(args.journal, args.runId, row.idx, settlement.reason);
        result.pending++;
      } else keep(settlement.reason);
      return { kind: "done" };
    },
  });
  result.interrupted = summary.reason === "signal";
  return result;
}

async function* rowsOf(journal: Journal, runId: number, api: string): AsyncGenerator<Item> {
  for (const page of inDoubtPages(journal, runId, 200, api)) {
    for (const row of page) yield { row, tries: 0 };
  }
}
