import { listReachesPast } from "../core/listReachesPast.js";
import { type FoundMatch, matchFound } from "../core/matchFound.js";
import { settleInDoubt } from "../core/settleInDoubt.js";
import {
  type InDoubtRow,
  inDoubtElsewhere,
  inDoubtPages,
  knownSids,
  settlePending,
  settleSent,
} from "../journal/reconcileQueries.js";
import type { Operation, Reconciler, Remote } from "../operations/operation.js";
import type { TwilioApi } from "../twilio/twilioApi.js";
import { dispatch } from "./dispatch.js";
import {
  afterListFailure,
  emptyReconcileResult,
  type ReconcileBaseArgs,
  type ReconcileResult,
  windowEnd,
} from "./reconcileRows.js";
import { Serial } from "./serial.js";

type Search = Extract<Reconciler<object>, { kind: "search" }>;

export interface ReconcileSearchArgs extends ReconcileBaseArgs {
  operation: Operation;
  search: Search;
  api: TwilioApi;
  /** Resources one search lists at most, in pages of 1000: fewer means complete. @default 20000 */
  listLimit?: number;
}

interface Group {
  key: string;
  rows: InDoubtRow[];
  tries: number;
}

/**
 * Settles one API's in-doubt rows by its own list (Calls by To and From, a flow's Executions by
 * date). Rows the list cannot tell apart (the operation's `key`) are searched for together, with
 * one list call through the rate limiter, and decided together by src/core/matchFound.ts: found
 * → sent; nothing that could be the row's, after a complete search and the grace period →
 * pending; else in doubt.
 */
export async function reconcileSearch(args: ReconcileSearchArgs): Promise<ReconcileResult> {
  const wallNow = args.wallNow ?? Date.now;
  const skewMs = args.skewMs ?? 5 * 60_000;
  const limit = args.listLimit ?? 20_000;
  const result = emptyReconcileResult();
  const keep = (reason: string, count = 1) => {
    result.stillInDoubt[reason] = (result.stillInDoubt[reason] ?? 0) + count;
  };
  const window = (row: InDoubtRow) => ({
    from: row.firstAttemptAt - skewMs,
    until: windowEnd(row, args.requestTimeoutMs ?? 30_000, skewMs),
  });
  const settling = new Serial();
  const summary = await dispatch<Group>({
    items: groupsOf(args),
    ...args.schedule,
    clock: args.clock,
    signal: args.signal,
    inFlight: args.inFlight,
    worker: async (group) => {
      const first = group.rows[0]!;
      group.tries++;
      result.lookups++;
      const from = group.rows.reduce((at, r) => Math.min(at, window(r).from), Infinity);
      const until = group.rows.reduce((at, r) => Math.max(at, window(r).until), -Infinity);
      let remotes: Remote[];
      try {
        remotes = await args.search.find(args.api, {
          request: first.request,
          to: first.to,
          from,
          until,
          limit,
        });
      } catch (error) {
        const step = afterListFailure(error, args.operation.name, group.tries, args.maxAttempts);
        if (step.kind === "retry") return step;
        if (step.kind === "stop") result.stopped ??= step.stopped;
        keep(step.reason, group.rows.length);
        return { kind: step.kind === "stop" ? "stop" : "done" };
      }
      // Newest first: a list that reaches a whole page back past the window holds all of it.
      const complete =
        remotes.length < limit ||
        listReachesPast(
          remotes.map((r) => r.createdAt),
          from,
          Math.min(1000, limit),
        );
      // One group at a time: no other search settles rows to this recipient meanwhile.
      await settling.run(async () => {
        const matching = remotes.filter((r) => args.search.match(first.request, r));
        // Another run's in-doubt row could own what is listed too: as a row that asked for
        // something else, it keeps this run's rows in doubt where their windows meet.
        const others = (
          await inDoubtElsewhere(args.journal, args.runId, first.to, args.operation.name)
        )
          .filter((row) => args.search.key(row.request) === group.key)
          .map((row, i) => ({ idx: -1 - i, identity: `run ${row.runId}`, ...window(row) }));
        const matches = matchFound(
          [
            ...group.rows.map((row) => ({
              idx: row.idx,
              identity: identityOf(row),
              ...window(row),
            })),
            ...others,
          ],
          matching,
          await knownSids(args.journal, first.to),
        ).slice(0, group.rows.length);
        await settleGroup(args, group, matches, { remotes, complete, nowMs: wallNow(), result });
      });
      return { kind: "done" };
    },
  });
  result.interrupted = summary.reason === "signal";
  return result;
}

async function settleGroup(
  args: ReconcileSearchArgs,
  group: Group,
  matches: readonly FoundMatch[],
  found: { remotes: readonly Remote[]; complete: boolean; nowMs: number; result: ReconcileResult },
): Promise<void> {
  const { result } = found;
  const list = `Twilio's ${args.operation.name} list`;
  for (const [i, row] of group.rows.entries()) {
    const match = matches[i]!;
    result.checked++;
    const settlement = settleInDoubt(match, {
      lastAttemptAt: row.lastAttemptAt,
      nowMs: found.nowMs,
      graceMs: args.graceMs,
      listComplete: found.complete,
      listName: list,
    });
    if (settlement.state === "sent") {
      const { sid, duplicates } = settlement;
      const status = found.remotes.find((r) => r.sid === sid)?.status ?? null;
      await settleSent(args.journal, args.runId, row.idx, { sid, status, duplicates });
      result.sent++;
      if (duplicates.length > 0) {
        result.duplicates.push({ idx: row.idx, line: row.line, to: row.to, sid, duplicates });
      }
    } else if (settlement.state === "pending") {
      await settlePending(args.journal, args.runId, row.idx, settlement.reason);
      result.pending++;
    } else {
      result.stillInDoubt[settlement.reason] = (result.stillInDoubt[settlement.reason] ?? 0) + 1;
    }
  }
}

/**
 * The API's in-doubt rows by the operation's key, in attempt order. Read whole: rows the list
 * cannot tell apart must be decided together, wherever they are in the file (a run's in-doubt
 * rows are the few its failures left, not the list).
 */
async function* groupsOf(args: ReconcileSearchArgs): AsyncGenerator<Group> {
  const groups = new Map<string, InDoubtRow[]>();
  for await (const page of inDoubtPages(args.journal, args.runId, 200, args.operation.name)) {
    for (const row of page) {
      const key = args.search.key(row.request);
      const rows = groups.get(key);
      if (rows) rows.push(row);
      else groups.set(key, [row]);
    }
  }
  for (const [key, rows] of groups) {
    rows.sort((a, b) => a.firstAttemptAt - b.firstAttemptAt || a.idx - b.idx);
    yield { key, rows, tries: 0 };
  }
}

/** The request as sent, whatever order its keys were journaled in. */
function identityOf(row: InDoubtRow): string {
  const entries = Object.entries(row.request as Record<string, unknown>);
  return JSON.stringify(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
