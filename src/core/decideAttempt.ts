import type { AttemptRecord } from "./attemptRecord.js";
import type { Classification } from "./classifyCall.js";
import { type CredentialSource, checkCredentialsAction } from "./credentialSource.js";
import { errorInfo } from "./errorCatalog.js";

export type NextStep =
  | { kind: "done" }
  | { kind: "retry"; afterMs: number }
  | { kind: "stop"; exitCode: 77 | 78; message: string };

export interface AttemptDecision {
  record: AttemptRecord;
  next: NextStep;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** First backoff when Twilio gives no Retry-After; doubles per attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** 0..1, from the edge, so the decision stays a pure function. */
  random: number;
}

/**
 * Turns a classified answer into the journal record and what the sender does next.
 * `attemptNumber` counts this command's attempts at the row, so `--max-attempts` applies to
 * each send or retry afresh. `sharedDefaults`: the row uses the run's own sender or resource
 * (flow, service), so an unusable or not-found answer speaks for every row; a row's own `from`,
 * flow or service fails only that row.
 * `credentials`: where they came from, so refused credentials (20003) name what to check.
 */
export function decideAttempt(
  c: Classification,
  attemptNumber: number,
  policy: RetryPolicy,
  sharedDefaults = true,
  credentials?: CredentialSource,
): AttemptDecision {
  if (c.outcome === "fatal" && c.exitCode === 78 && !sharedDefaults) {
    return {
      record: base("failed", c.httpStatus, c.errorCode, c.errorMessage),
      next: { kind: "done" },
    };
  }
  switch (c.outcome) {
    case "sent": {
      const record = base("sent", c.httpStatus, null, null, c.sid, c.twilioStatus);
      if (c.result !== undefined) record.result = c.result;
      return { record, next: { kind: "done" } };
    }
    case "failed":
      return {
        record: base("failed", c.httpStatus, c.errorCode, c.errorMessage),
        next: { kind: "done" },
      };
    case "in_doubt":
      return {
        record: base("in_doubt", c.httpStatus, c.errorCode, c.errorMessage),
        next: { kind: "done" },
      };
    case "fatal":
      return {
        record: base("fatal", c.httpStatus, c.errorCode, c.errorMessage),
        next: {
          kind: "stop",
          exitCode: c.exitCode,
          // What to do travels with the stop: the operator reads it in a cron mail, not a manual.
          message: `${c.errorMessage} (${c.errorCode}); every other row would fail the same way. To do: ${
            c.errorCode === 20003 && credentials
              ? checkCredentialsAction(credentials)
              : errorInfo(c.errorCode).action
          }`,
        },
      };
    case "retry": {
      // Twilio asking for a longer wait than a run waits is an answer too: give the row up
      // now (never processed, so `retry` can send it later) instead of asking again too soon.
      const waitTooLong = c.retryAfterMs !== null && c.retryAfterMs > policy.maxDelayMs;
      if (attemptNumber >= policy.maxAttempts || waitTooLong) {
        return {
          record: base("failed", c.httpStatus, c.errorCode, c.errorMessage),
          next: { kind: "done" },
        };
      }
      return {
        record: base("retry", c.httpStatus, c.errorCode, c.errorMessage),
        next: { kind: "retry", afterMs: c.retryAfterMs ?? backoffMs(attemptNumber, policy) },
      };
    }
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
export function backoffMs(attemptNumber: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNumber - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * policy.random);
}

function base(
  outcome: AttemptRecord["outcome"],
  httpStatus: number | null,
  errorCode: number | null,
  errorMessage: string | null,
  sid: string | null = null,
  twilioStatus: string | null = null,
): AttemptRecord {
  return { outcome, httpStatus, errorCode, errorMessage, sid, twilioStatus };
}
