import { type FoundAttempt, matchFound } from "./matchFound.js";

/** A row whose create may or may not have reached Twilio, as reconcile looks for it. */
export interface InDoubtAttempt {
  idx: number;
  to: string;
  /** The row's From; a value starting with MG is a Messaging Service, as at Twilio. */
  from: string | null;
  messagingServiceSid: string | null;
  /** The body it asked for ("" for media only). */
  body: string;
  /**
   * A Content template's sid and variables, when the row sent one: Twilio lists the rendered
   * text, which the journal does not have, so such a row matches on recipient, sender and time.
   */
  template?: string | null;
  /** Wall-clock ms when its first attempt now in doubt started. */
  attemptAt: number;
  /**
   * Wall-clock ms after which nothing created can be this row's: its last attempt's start plus
   * the request timeout and the skew. @default now + the skew
   */
  until?: number;
}

/** Another run's row (in doubt, or with an attempt in flight) that may own a listed message. */
export interface OwnerElsewhere extends InDoubtAttempt {
  runId: number;
}

/** A message from Twilio's list, reduced to what matching needs. */
export interface ListedMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  /** Wall-clock ms; null when Twilio gave none (then any time matches). */
  dateCreated: number | null;
}

export interface MatchOptions {
  /** Sids the journal already gives to rows (of any run): never an in-doubt row's message. */
  knownSids: ReadonlySet<string>;
  /**
   * How far a message's date may lie outside [attempt, now]: Twilio's clock is not ours, and
   * its dates have whole seconds.
   */
  skewMs: number;
  nowMs: number;
  /** Other runs' rows to the same numbers: what they may have made is in the same list. */
  elsewhere?: readonly OwnerElsewhere[];
}

export interface AttemptMatch {
  idx: number;
  /** The message that is this row's, or null when none was found. */
  sid: string | null;
  /** Further messages that can only be this row's too: it was sent more than once. */
  duplicates: string[];
  /**
   * Messages that could be this row's or another in-doubt row's (another text, another run):
   * the list cannot tell which, so the row stays in doubt. Only when `sid` is null.
   */
  ambiguous?: string[];
  /**
   * Messages from the row's sender to its number, in its window, with other text and no owner:
   * Twilio may have changed the text (a template, an opt-out footer), so the row stays in doubt.
   */
  unexplained?: string[];
}

/**
 * Decides which listed messages are the in-doubt rows' own. A message can be a row's when it
 * goes to the same number, from the same sender (From, or Messaging Service), with the same
 * body (any body for a template row), unknown to the journal, and was created between the
 * row's first attempt (less the skew) and the end of its last. Rows asking for the very same
 * message (only with --allow-duplicates) share the candidates, and src/core/matchFound.ts gives
 * as many of them one as it can; a message that rows asking for different things (or another
 * run's rows) could own keeps them in doubt, never a duplicate. A row without a message while
 * some other unknown message from its sender reached its number in its window stays in doubt
 * too: going back to pending would send it again. Pure.
 */
export function matchMessages(
  attempts: readonly InDoubtAttempt[],
  messages: readonly ListedMessage[],
  options: MatchOptions,
): AttemptMatch[] {
  const elsewhere = options.elsewhere ?? [];
  const found = (attempt: InDoubtAttempt, identity: string, idx: number): FoundAttempt => ({
    idx,
    identity,
    from: attempt.attemptAt - options.skewMs,
    until: attempt.until ?? options.nowMs + options.skewMs,
    accepts: new Set(messages.filter((m) => isSameMessage(attempt, m)).map((m) => m.sid)),
  });
  // In the order they were attempted: a duplicate goes to the latest row that could have sent it.
  const inOrder = attempts
    .map((a, i) => ({ a, i }))
    .sort((x, y) => x.a.attemptAt - y.a.attemptAt || x.a.idx - y.a.idx);
  const all = matchFound(
    [
      ...inOrder.map(({ a, i }) => found(a, identityOf(a), i)),
      ...elsewhere.map((a, i) => found(a, `run ${a.runId}`, -1 - i)),
    ],
    // Twilio's list is newest first: of two messages in the same second the later is older.
    messages.map((m, position) => ({ sid: m.sid, createdAt: m.dateCreated, rank: -position })),
    options.knownSids,
  );
  // What any row could own, here or in another run, is accounted for.
  const explained = new Set(options.knownSids);
  for (const match of all) {
    if (match.sid !== null) explained.add(match.sid);
    for (const sid of [...match.duplicates, ...match.ambiguous]) explained.add(sid);
  }
  // matchFound answered by position in `attempts` (as its idx): back to the rows' own.
  const byPosition = new Map(all.filter((m) => m.idx >= 0).map((m) => [m.idx, m]));
  return attempts.map((attempt, i): AttemptMatch => {
    const { sid, duplicates, ambiguous } = byPosition.get(i)!;
    const idx = attempt.idx;
    if (sid !== null) return { idx, sid, duplicates };
    if (ambiguous.length > 0) return { idx, sid, duplicates, ambiguous };
    const window = found(attempt, "", idx);
    const unexplained = messages
      .filter(
        (m) =>
          !explained.has(m.sid) &&
          m.to === attempt.to &&
          sameSender(attempt, m) &&
          (m.dateCreated === null ||
            (m.dateCreated >= window.from && m.dateCreated <= window.until)),
      )
      .map((m) => m.sid);
    return unexplained.length > 0
      ? { idx, sid, duplicates, unexplained }
      : { idx, sid, duplicates };
  });
}

/** Rows with the same identity asked for the very same message. */
function identityOf(attempt: InDoubtAttempt): string {
  const { from, service } = sender(attempt);
  const content =
    attempt.template != null ? ["template", attempt.template] : normaliseBody(attempt.body);
  return JSON.stringify([attempt.to, from, service, content]);
}

function isSameMessage(attempt: InDoubtAttempt, message: ListedMessage): boolean {
  if (message.to !== attempt.to || !sameSender(attempt, message)) return false;
  return attempt.template != null || normaliseBody(message.body) === normaliseBody(attempt.body);
}

function sameSender(attempt: InDoubtAttempt, message: ListedMessage): boolean {
  const { from, service } = sender(attempt);
  if (from !== null && message.from !== from) return false;
  if (service !== null && message.messagingServiceSid !== service) return false;
  return true;
}

/** Twilio takes a Messaging Service SID in From too, and then sends as that service. */
function sender(attempt: InDoubtAttempt): { from: string | null; service: string | null } {
  if (attempt.from?.startsWith("MG")) {
    return { from: null, service: attempt.messagingServiceSid ?? attempt.from };
  }
  return { from: attempt.from, service: attempt.messagingServiceSid };
}

/**
 * Line endings and surrounding blanks may not survive the trip exactly. Leniency here can only
 * take a near-identical message for the row's, which errs on the side of not sending again.
 */
function normaliseBody(body: string): string {
  return body.replace(/\r\n?/g, "\n").trim().normalize("NFC");
}
