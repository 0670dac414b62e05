/** A row whose create may or may not have reached Twilio, as reconcile looks for it. */
export interface InDoubtAttempt {
  idx: number;
  to: string;
  /** The row's From; a value starting with MG is a Messaging Service, as at Twilio. */
  from: string | null;
  messagingServiceSid: string | null;
  /** The body it asked for ("" for media only). */
  body: string;
  /** Wall-clock ms when its first attempt now in doubt started. */
  attemptAt: number;
  /**
   * Wall-clock ms after which nothing created can be this row's: its last attempt's start plus
   * the request timeout and the skew. @default now + the skew
   */
  until?: number;
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
}

export interface AttemptMatch {
  idx: number;
  /** The message that is this row's, or null when none was found. */
  sid: string | null;
  /** Further messages that can only be this row's too: it was sent more than once. */
  duplicates: string[];
}

/**
 * Decides which listed messages are the in-doubt rows' own. A message is a row's when it goes
 * to the same number, from the same sender (From, or Messaging Service), with the same body, and
 * was created between the row's first attempt (less the skew) and the end of its last. Rows asking for the very same
 * message (only with --allow-duplicates) share the candidates: each takes the oldest one left
 * in its own window, in the order they were attempted, and what is left over is a duplicate of
 * the last. Pure.
 */
export function matchMessages(
  attempts: readonly InDoubtAttempt[],
  messages: readonly ListedMessage[],
  options: MatchOptions,
): AttemptMatch[] {
  const groups = new Map<string, InDoubtAttempt[]>();
  for (const attempt of attempts) {
    const key = JSON.stringify([attempt.to, sender(attempt), normaliseBody(attempt.body)]);
    const group = groups.get(key);
    if (group) group.push(attempt);
    else groups.set(key, [attempt]);
  }
  const results = new Map<number, AttemptMatch>();
  for (const group of groups.values()) {
    group.sort((a, b) => a.attemptAt - b.attemptAt || a.idx - b.idx);
    for (const match of matchGroup(group, messages, options)) results.set(match.idx, match);
  }
  return attempts.map((a) => results.get(a.idx)!);
}

function matchGroup(
  group: readonly InDoubtAttempt[],
  messages: readonly ListedMessage[],
  options: MatchOptions,
): AttemptMatch[] {
  const first = group[0]!;
  // Oldest first. Twilio's dates have whole seconds, so ties are common: its list is newest
  // first, so of two messages in the same second the later in the list is the older.
  const candidates = messages
    .map((message, position) => ({ message, position }))
    .filter(
      ({ message: m }) =>
        !options.knownSids.has(m.sid) &&
        isSameMessage(first, m) &&
        group.some((attempt) => inWindow(m, attempt, options)),
    )
    .sort(
      (a, b) =>
        (a.message.dateCreated ?? Infinity) - (b.message.dateCreated ?? Infinity) ||
        b.position - a.position,
    )
    .map(({ message }) => message);
  const claimed = new Set<string>();
  const matches: AttemptMatch[] = group.map((attempt) => {
    const found = candidates.find((m) => !claimed.has(m.sid) && inWindow(m, attempt, options));
    if (found) claimed.add(found.sid);
    return { idx: attempt.idx, sid: found?.sid ?? null, duplicates: [] };
  });
  const leftOver = candidates.filter((m) => !claimed.has(m.sid)).map((m) => m.sid);
  const last = matches.findLast((m) => m.sid !== null);
  if (last) last.duplicates.push(...leftOver);
  return matches;
}

function isSameMessage(attempt: InDoubtAttempt, message: ListedMessage): boolean {
  if (message.to !== attempt.to) return false;
  if (normaliseBody(message.body) !== normaliseBody(attempt.body)) return false;
  const { from, service } = sender(attempt);
  if (from !== null && message.from !== from) return false;
  if (service !== null && message.messagingServiceSid !== service) return false;
  return true;
}

function inWindow(message: ListedMessage, attempt: InDoubtAttempt, options: MatchOptions): boolean {
  if (message.dateCreated === null) return true;
  return (
    message.dateCreated >= attempt.attemptAt - options.skewMs &&
    message.dateCreated <= (attempt.until ?? options.nowMs + options.skewMs)
  );
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
