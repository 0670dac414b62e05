import type { AttemptMatch } from "./matchMessages.js";

/** Where reconcile moves an in-doubt row. */
export type Settlement =
  | { state: "sent"; sid: string; duplicates: string[] }
  | { state: "pending"; reason: string }
  | { state: "in_doubt"; reason: string };

export interface SettleContext {
  /** Wall-clock ms when the row's latest attempt started. */
  lastAttemptAt: number;
  nowMs: number;
  /** How long a created message may take to show in Twilio's list. */
  graceMs: number;
  /** False when the list was cut off, so a missing message may just be further down. */
  listComplete: boolean;
  /** What was searched, for the reasons. @default "Twilio's message list" */
  listName?: string;
}

/**
 * Found → sent (with any duplicates). Not found → pending, so the next send sends it, but only
 * when the search was complete and the attempt is older than the grace period: a message Twilio
 * created a moment ago may not be listed yet, and sending it again would text the person twice.
 * Nor while the list shows something in the attempt's time that could be the row's (another
 * row's look-alike, another text from its sender): only a person can tell, at Twilio.
 */
export function settleInDoubt(match: AttemptMatch, context: SettleContext): Settlement {
  if (match.sid !== null) {
    return { state: "sent", sid: match.sid, duplicates: match.duplicates };
  }
  const list = context.listName ?? "Twilio's message list";
  if (match.ambiguous !== undefined && match.ambiguous.length > 0) {
    const n = match.ambiguous.length;
    return {
      state: "in_doubt",
      reason: `${list} shows ${n === 1 ? "one" : n} made in the attempt's time that could be this row's or another in-doubt row's (the list cannot tell them apart): check ${sidList(match.ambiguous)} at Twilio`,
    };
  }
  if (match.unexplained !== undefined && match.unexplained.length > 0) {
    const n = match.unexplained.length;
    return {
      state: "in_doubt",
      reason: `${list} shows ${n === 1 ? "a message" : `${n} messages`} from the row's sender to this number in the attempt's time with other text (Twilio may have changed it): check ${sidList(match.unexplained)} at Twilio`,
    };
  }
  if (!context.listComplete) {
    return {
      state: "in_doubt",
      reason: `${list} for this number is too long to search to the attempt`,
    };
  }
  const ageMs = context.nowMs - context.lastAttemptAt;
  if (ageMs < context.graceMs) {
    return {
      state: "in_doubt",
      reason: `not in ${list} yet, and attempted less than --grace (${Math.round(context.graceMs / 1000)} s) ago`,
    };
  }
  return {
    state: "pending",
    reason:
      context.listName === undefined
        ? "reconcile found no such message at Twilio"
        : `reconcile found nothing in ${list}`,
  };
}

function sidList(sids: readonly string[]): string {
  return sids.length > 3 ? `${sids.slice(0, 3).join(", ")} …` : sids.join(", ");
}
