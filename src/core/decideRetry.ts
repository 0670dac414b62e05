import { errorInfo } from "./errorCatalog.js";
import type { RowState } from "./rowState.js";

/**
 * What `twilio-bulk retry` asked for. A row must match every option given; a list matches any
 * of its values; an empty set means "not given".
 */
export interface RetryFilter {
  /** `in_doubt` only when named: the operator's explicit choice to risk a duplicate. */
  states: ReadonlySet<"failed" | "pending" | "in_doubt">;
  statuses: ReadonlySet<number>;
  codes: ReadonlySet<number>;
}

/** A row as the journal holds it, with whether its number is on the suppression list. */
export interface RetryCandidate {
  state: RowState;
  httpStatus: number | null;
  errorCode: number | null;
  deliveryStatus: string | null;
  deliveryErrorCode: number | null;
  suppressed: boolean;
}

export type RetryDecision =
  /** Send it again. `namedCode`: a permanent code the operator named, worth a warning. */
  | { kind: "retry"; namedCode: number | null }
  /** A pending row whose number is now suppressed: mark it skipped, never send it. */
  | { kind: "skip" }
  | {
      kind: "leave";
      why: "no_match" | "in_doubt" | "permanent" | "suppressed";
      code: number | null;
    };

/** Codes whose rows fail the same way every time: retried only when named with `--code`. */
const NEEDS_NAMING = new Set(["permanent", "suppress"]);

/** A message Twilio accepted and then could not deliver: a new create is a new message. */
const UNDELIVERED = new Set(["undelivered", "failed"]);

/**
 * Whether retry sends a row again. In-doubt rows never: Twilio may have sent them, and
 * `reconcile` decides them. Rows Twilio accepted but could not deliver only when their
 * delivery error code is named, since each such retry is knowingly a second message.
 */
export function decideRetry(row: RetryCandidate, filter: RetryFilter): RetryDecision {
  if (row.state === "in_doubt") {
    // Named on purpose (an API reconcile cannot search, such as Verify): sent again, knowingly.
    const named =
      filter.states.has("in_doubt") &&
      (filter.statuses.size === 0 ||
        (row.httpStatus !== null && filter.statuses.has(row.httpStatus))) &&
      (filter.codes.size === 0 || (row.errorCode !== null && filter.codes.has(row.errorCode)));
    if (!named) return { kind: "leave", why: "in_doubt", code: row.errorCode };
    if (row.suppressed) return { kind: "leave", why: "suppressed", code: row.errorCode };
    return { kind: "retry", namedCode: null };
  }
  const last = lastError(row);
  if (!last) return { kind: "leave", why: "no_match", code: null };
  const matches =
    (filter.states.size === 0 || (filter.states as ReadonlySet<string>).has(row.state)) &&
    (filter.statuses.size === 0 || (last.status !== null && filter.statuses.has(last.status))) &&
    (filter.codes.size === 0 || (last.code !== null && filter.codes.has(last.code)));
  if (!matches) return { kind: "leave", why: "no_match", code: last.code };
  const named = last.code !== null && filter.codes.has(last.code);
  if (row.state === "sent" && !named) return { kind: "leave", why: "no_match", code: last.code };
  const needsNaming = last.code !== null && NEEDS_NAMING.has(errorInfo(last.code).class);
  if (needsNaming && !named) return { kind: "leave", why: "permanent", code: last.code };
  if (row.suppressed) {
    return row.state === "pending"
      ? { kind: "skip" }
      : { kind: "leave", why: "suppressed", code: last.code };
  }
  return { kind: "retry", namedCode: needsNaming ? last.code : null };
}

/** The last thing that went wrong with a row that can be sent again, or null. */
function lastError(row: RetryCandidate): { status: number | null; code: number | null } | null {
  if (row.state === "failed" || row.state === "pending") {
    return { status: row.httpStatus, code: row.errorCode };
  }
  if (row.state === "sent" && row.deliveryStatus && UNDELIVERED.has(row.deliveryStatus)) {
    return { status: null, code: row.deliveryErrorCode };
  }
  return null;
}
