import { classifyFetchError, type FetchFailure } from "../core/classifyFetchError.js";
import type { Clock } from "../core/clock.js";
import { type InDoubtAttempt, type ListedMessage, matchMessages } from "../core/matchMessages.js";
import type { MessageRequest } from "../core/messageRequest.js";
import { settleInDoubt } from "../core/settleInDoubt.js";
import type { Journal } from "../journal/journal.js";
import {
  type InDoubtRow,
  inDoubtElsewhere,
  inDoubtRecipients,
  inDoubtTo,
  knownSids,
  settlePending,
  settleSent,
} from "../journal/reconcileQueries.js";
import type { Messenger, RemoteMessage } from "../twilio/messenger.js";
import { dispatch, type InFlight } from "./dispatch.js";
import { Serial } from "./serial.js";

/** What every reconciler is given, whatever it searches. */
export interface ReconcileBaseArgs {
  journal: Journal;
  runId: number;
  schedule: { rate: number; burst: number; concurrency: number };
  /** Lookups answered 429 or 5xx, or whose connection failed, are tried up to this many times. */
  maxAttempts: number;
  /** A row not found goes back to pending only once its attempt is older than this. */
  graceMs: number;
  clock: Clock;
  signal: AbortSignal;
  /** Counts the requests in flight, for the CLI's notice on a signal. */
  inFlight?: InFlight | undefined;
  /** Wall-clock time, which the journal's attempt times and Twilio's dates are in. @default Date.now */
  wallNow?: () => number;
  /** How far Twilio's clock may be off ours. @default 5 minutes */
  skewMs?: number;
  /** How long an attempt's request may have lasted: it created nothing later (plus skew). @default 30 s */
  requestTimeoutMs?: number;
}

export interface ReconcileArgs extends ReconcileBaseArgs {
  messenger: Messenger;
  /** Messages listed per number at most. @default 1000 */
  listLimit?: number;
  /** Only this API's in-doubt rows (the operations whose reconcile is the message list). */
  api?: string;
}

/** A row reconcile found more than once at Twilio: the recipient got the message several times. */
export interface DuplicateFound {
  idx: number;
  line: number;
  to: string;
  sid: string;
  duplicates: string[];
}

export interface ReconcileResult {
  /** In-doubt rows looked up. */
  checked: number;
  /** Found at Twilio: now sent (duplicates included). */
  sent: number;
  duplicates: DuplicateFound[];
  /** Not found, and older than the grace period: pending again. */
  pending: number;
  /** Still in doubt, by reason. */
  stillInDoubt: Record<string, number>;
  lookups: number;
  stopped: { exitCode: 77; message: string } | null;
  interrupted: boolean;
}

/** Nothing checked yet: what each reconciler starts from and the command adds up. */
export function emptyReconcileResult(): ReconcileResult {
  return {
    checked: 0,
    sent: 0,
    duplicates: [],
    pending: 0,
    stillInDoubt: {},
    lookups: 0,
    stopped: null,
    interrupted: false,
  };
}

/** What reconcile reads of a journaled Messages create, Content templates included. */
type JournaledMessage = MessageRequest & { contentSid?: string; contentVariables?: string };

interface Group {
  to: string;
  rows: InDoubtRow<JournaledMessage>[];
  tries: number;
}

/**
 * Settles in-doubt rows against Twilio's message list: one list call per recipient (by To, and
 * From when the rows have one), through the same rate limiter as sending. Listing changes
 * nothing at Twilio, so it is retried freely; what it finds is journaled row by row.
 */
export async function reconcileRows(args: ReconcileArgs): Promise<ReconcileResult> {
  const wallNow = args.wallNow ?? Date.now;
  const result = emptyReconcileResult();
  const keep = (group: Group, reason: string) => {
    result.stillInDoubt[reason] = (result.stillInDoubt[reason] ?? 0) + group.rows.length;
  };

  const settling = new Serial();
  const summary = await dispatch<Group>({
    items: groupsByRecipient(args.journal, args.runId, args.api),
    ...args.schedule,
    clock: args.clock,
    signal: args.signal,
    inFlight: args.inFlight,
    worker: async (group) => {
      group.tries++;
      result.lookups++;
      let listed: RemoteMessage[];
      const limit = args.listLimit ?? 1000;
      try {
        listed = await args.messenger.list({ to: group.to, ...commonFrom(group.rows) }, limit);
      } catch (error) {
        const step = afterListFailure(error, "messages", group.tries, args.maxAttempts);
        if (step.kind === "retry") return step;
        if (step.kind === "stop") result.stopped ??= step.stopped;
        keep(group, step.reason);
        return { kind: step.kind === "stop" ? "stop" : "done" };
      }
      // One group at a time: no other lookup settles rows to this number meanwhile.
      await settling.run(() =>
        settleGroup(args, group, listed, listed.length < limit, wallNow(), result),
      );
      return { kind: "done" };
    },
  });
  result.interrupted = summary.reason === "signal";
  return result;
}

async function settleGroup(
  args: ReconcileArgs,
  group: Group,
  listed: readonly RemoteMessage[],
  listComplete: boolean,
  nowMs: number,
  result: ReconcileResult,
): Promise<void> {
  const known = await knownSids(args.journal, group.to);
  const skewMs = args.skewMs ?? 5 * 60_000;
  const attempt = (row: InDoubtRow<JournaledMessage>): InDoubtAttempt => ({
    idx: row.idx,
    to: row.to,
    from: row.request.from ?? null,
    messagingServiceSid: row.request.messagingServiceSid ?? null,
    body: row.request.body ?? "",
    template:
      row.request.contentSid === undefined
        ? null
        : `${row.request.contentSid}\u0000${row.request.contentVariables ?? ""}`,
    attemptAt: row.firstAttemptAt,
    // The attempt created nothing after its request was over: a later message is another's.
    until: windowEnd(row, args.requestTimeoutMs ?? 30_000, skewMs),
  });
  // Another run's row to this number may own what is listed: where windows meet, both stay in
  // doubt, and its message is never filed as this run's duplicate.
  const elsewhere = (
    await inDoubtElsewhere<JournaledMessage>(
      args.journal,
      args.runId,
      group.to,
      args.api ?? "messages",
    )
  ).map((row) => ({ ...attempt(row), runId: row.runId }));
  const matches = matchMessages(group.rows.map(attempt), listed.map(toListed), {
    knownSids: known,
    skewMs,
    nowMs,
    elsewhere,
  });
  const statusOf = new Map(listed.map((m) => [m.sid, m.status]));
  for (const [i, row] of group.rows.entries()) {
    result.checked++;
    const settlement = settleInDoubt(matches[i]!, {
      lastAttemptAt: row.lastAttemptAt,
      nowMs,
      graceMs: args.graceMs,
      listComplete,
    });
    if (settlement.state === "sent") {
      const { sid, duplicates } = settlement;
      await settleSent(args.journal, args.runId, row.idx, {
        sid,
        status: statusOf.get(sid) ?? null,
        duplicates,
      });
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
 * In-doubt rows grouped by recipient across the whole run, so rows to one number share one list
 * call and are decided together. The recipients are read first (numbers only); each group's
 * rows are read as the dispatcher pulls it, one group ahead of its starts.
 */
async function* groupsByRecipient(
  journal: Journal,
  runId: number,
  api: string | undefined,
): AsyncGenerator<Group> {
  for (const to of await inDoubtRecipients(journal, runId, api)) {
    // Read when pulled: rows to this number are still in doubt, as no other group settles them.
    const rows = await inDoubtTo<JournaledMessage>(journal, runId, to, api);
    if (rows.length > 0) yield { to, rows, tries: 0 };
  }
}

/**
 * The last moment a row's attempts could have created anything, plus the skew. The send's own
 * timeout is not journaled: an attempt's recorded end covers it (a recovered attempt's late end
 * only widens the window, the safe side), and reconcile's --timeout stands in while none is.
 */
export function windowEnd(row: InDoubtRow, requestTimeoutMs: number, skewMs: number): number {
  return Math.max(row.lastEndedAt ?? -Infinity, row.lastAttemptAt + requestTimeoutMs) + skewMs;
}

/** List by From too when every row of the group has the same plain From (not a service). */
function commonFrom(rows: readonly InDoubtRow<JournaledMessage>[]): { from?: string } {
  const from = rows[0]?.request.from;
  if (!from || from.startsWith("MG")) return {};
  return rows.every((r) => r.request.from === from) ? { from } : {};
}

function toListed(m: RemoteMessage): ListedMessage {
  return {
    sid: m.sid,
    to: m.to,
    from: m.from,
    messagingServiceSid: m.messagingServiceSid,
    body: m.body ?? "",
    dateCreated: m.dateCreated ? m.dateCreated.getTime() : null,
  };
}

/**
 * What a failed list call of a reconcile means for its rows. Listing changes nothing at Twilio,
 * so the verdicts of a fetch apply: refused credentials stop the command, a 429, 5xx or network
 * failure is tried again with backoff up to `maxAttempts`, anything else keeps the rows in doubt.
 */
export function afterListFailure(
  error: unknown,
  what: string,
  tries: number,
  maxAttempts: number,
):
  | { kind: "retry"; afterMs: number }
  | { kind: "stop"; reason: string; stopped: { exitCode: 77; message: string } }
  | { kind: "keep"; reason: string } {
  const failure = lookupFailure(error);
  const verdict = classifyFetchError(failure);
  if (verdict.kind === "stop") {
    const message = `Twilio refused to list ${what}: ${verdict.message}`;
    return { kind: "stop", reason: message, stopped: { exitCode: verdict.exitCode, message } };
  }
  if (verdict.kind === "retry" && tries < maxAttempts) {
    return { kind: "retry", afterMs: Math.min(30_000, 1000 * 2 ** (tries - 1)) };
  }
  const code = failure.code ?? failure.status;
  return {
    kind: "keep",
    reason: `could not list ${what}: ${failure.message}${code ? ` (${code})` : ""}`,
  };
}

export function lookupFailure(error: unknown): FetchFailure {
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
  };
  return {
    status: typeof e.status === "number" ? e.status : null,
    code: typeof e.code === "number" || typeof e.code === "string" ? e.code : null,
    message: typeof e.message === "string" ? e.message : String(error),
  };
}
