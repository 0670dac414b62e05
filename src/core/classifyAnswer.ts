import type { CallResult } from "./callResult.js";
import { errorInfo } from "./errorCatalog.js";

export type Classification =
  | {
      outcome: "sent";
      httpStatus: number;
      /** Null for answers that create nothing (a Lookup). */
      sid: string | null;
      twilioStatus: string;
      /** What the operation keeps of the answer (journaled as JSON), or null. */
      result?: unknown;
    }
  | {
      outcome: "retry";
      httpStatus: number | null;
      errorCode: number | null;
      errorMessage: string;
      retryAfterMs: number | null;
    }
  | { outcome: "failed"; httpStatus: number | null; errorCode: number | null; errorMessage: string }
  | {
      outcome: "in_doubt";
      httpStatus: number | null;
      errorCode: number | null;
      errorMessage: string;
    }
  | {
      outcome: "fatal";
      httpStatus: number;
      errorCode: number;
      errorMessage: string;
      exitCode: 77 | 78;
    };

/**
 * How one API's answers are read. `create`: an unknown outcome (a reset, a timeout, a 5xx)
 * may have created something and is in doubt. `read`: it changed nothing and is retried.
 */
export interface AnswerSpec {
  safety: "create" | "read";
  /** What a success answer is, for messages ("a Message"). */
  noun: string;
  /** The success answer's sid; null for answers without one. */
  sid: RegExp | null;
  /** Codes that fail every row alike for this API beyond the catalogue's (exit 78). */
  fatalCodes?: ReadonlySet<number>;
  /**
   * 429 codes that block the row for minutes, not seconds (Verify's send limits per number):
   * retrying in the run would waste its attempts, so the row fails now, for a later `retry`.
   */
  failNowCodes?: ReadonlySet<number>;
  /** What is kept of a success answer (journaled as `result_json`). */
  result?(body: Record<string, unknown>): unknown;
  /** The status a success answer reports; default its `status` field. */
  status?(body: Record<string, unknown>): string;
}

/**
 * Errors raised before a byte of the request could have reached Twilio. Anything else that
 * breaks a connection (a reset, a timeout, a hang-up) may have happened after Twilio read the
 * request, and a create has no idempotency key: those are in doubt.
 */
const NOT_WRITTEN = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

/** Decides what one call came to. Pure: the sender acts on the answer. */
export function classifyAnswer(
  result: CallResult,
  spec: AnswerSpec,
  nowMs: number = Date.now(),
): Classification {
  if (result.kind === "not_sent") {
    return { outcome: "failed", httpStatus: null, errorCode: null, errorMessage: result.message };
  }
  if (result.kind === "network") {
    const message = `${result.code}: ${result.message}`;
    if (NOT_WRITTEN.has(result.code) || spec.safety === "read") {
      return retry(null, null, message, null);
    }
    return { outcome: "in_doubt", httpStatus: null, errorCode: null, errorMessage: message };
  }

  const { status, body, headers } = result;
  const error = twilioError(body);
  if (status >= 200 && status < 300) return success(status, body, spec);
  if (status === 429) {
    if (error.code !== null && spec.failNowCodes?.has(error.code)) {
      const message = error.message ?? "Too Many Requests";
      return {
        outcome: "failed",
        httpStatus: status,
        errorCode: error.code,
        errorMessage: message,
      };
    }
    return retry(
      status,
      error.code ?? 20429,
      error.message ?? "Too Many Requests",
      parseRetryAfter(headers["retry-after"], nowMs),
    );
  }
  if (status >= 400 && status < 500) {
    const code = error.code;
    const message = error.message ?? `HTTP ${status}`;
    if (code !== null && (errorInfo(code).class === "fatal" || spec.fatalCodes?.has(code))) {
      const exitCode = status === 401 || status === 403 ? 77 : 78;
      return {
        outcome: "fatal",
        httpStatus: status,
        errorCode: code,
        errorMessage: message,
        exitCode,
      };
    }
    if (status === 401) {
      return {
        outcome: "fatal",
        httpStatus: status,
        errorCode: code ?? 20003,
        errorMessage: message,
        exitCode: 77,
      };
    }
    return { outcome: "failed", httpStatus: status, errorCode: code, errorMessage: message };
  }
  const said = error.message ?? `HTTP ${status}`;
  if (spec.safety === "read") return retry(status, error.code, said, null);
  return {
    outcome: "in_doubt",
    httpStatus: status,
    errorCode: error.code,
    errorMessage: `${said}: the ${nounWord(spec.noun)} may have been created`,
  };
}

function success(status: number, body: unknown, spec: AnswerSpec): Classification {
  const sid = isObject(body) && typeof body.sid === "string" ? body.sid : null;
  const shaped = isObject(body) && (spec.sid === null || (sid !== null && spec.sid.test(sid)));
  if (!shaped) {
    const message = `HTTP ${status} with an answer that is not ${spec.noun}`;
    if (spec.safety === "read") return retry(status, null, message, null);
    return {
      outcome: "in_doubt",
      httpStatus: status,
      errorCode: null,
      errorMessage: `${message}: the ${nounWord(spec.noun)} may have been created`,
    };
  }
  const twilioStatus =
    spec.status?.(body) ?? (typeof body.status === "string" ? body.status : "unknown");
  const sent: Classification = {
    outcome: "sent",
    httpStatus: status,
    sid: spec.sid === null ? null : sid,
    twilioStatus,
  };
  if (spec.result) sent.result = spec.result(body);
  return sent;
}

function retry(
  httpStatus: number | null,
  errorCode: number | null,
  errorMessage: string,
  retryAfterMs: number | null,
): Classification {
  return { outcome: "retry", httpStatus, errorCode, errorMessage, retryAfterMs };
}

/** "a Message" → "message". */
function nounWord(noun: string): string {
  return noun.replace(/^(a|an) /, "").toLowerCase();
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function twilioError(body: unknown): { code: number | null; message: string | null } {
  if (!isObject(body)) return { code: null, message: null };
  const code = typeof body.code === "number" ? body.code : Number.parseInt(String(body.code), 10);
  return {
    code: Number.isFinite(code) ? code : null,
    message: typeof body.message === "string" ? body.message : null,
  };
}

/**
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Anything else, or a
 * negative or unreadable value, is treated as absent (our own backoff applies); of a repeated
 * header joined into a list, the first value counts.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  const seconds = /^(\d+(?:\.\d+)?)\s*(?:,|$)/.exec(trimmed);
  if (seconds) return Math.round(Number(seconds[1]) * 1000);
  if (!IMF_FIXDATE.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
