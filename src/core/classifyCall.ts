import type { CallResult } from "./callResult.js";
import { errorInfo } from "./errorCatalog.js";

export type Classification =
  | { outcome: "sent"; httpStatus: number; sid: string; twilioStatus: string }
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
 * Errors raised before a byte of the request could have reached Twilio. Anything else that
 * breaks a connection (a reset, a timeout, a hang-up) may have happened after Twilio read the
 * request, and Messages create has no idempotency key: those are in doubt.
 */
const NOT_WRITTEN = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

const SID = /^(SM|MM)[0-9a-f]{32}$/;

/** Decides what one Messages-create call came to. Pure: the sender acts on the answer. */
export function classifyCall(result: CallResult, nowMs: number = Date.now()): Classification {
  if (result.kind === "not_sent") {
    return { outcome: "failed", httpStatus: null, errorCode: null, errorMessage: result.message };
  }
  if (result.kind === "network") {
    const message = `${result.code}: ${result.message}`;
    if (NOT_WRITTEN.has(result.code)) {
      return {
        outcome: "retry",
        httpStatus: null,
        errorCode: null,
        errorMessage: message,
        retryAfterMs: null,
      };
    }
    return { outcome: "in_doubt", httpStatus: null, errorCode: null, errorMessage: message };
  }

  const { status, body, headers } = result;
  const error = twilioError(body);

  if (status >= 200 && status < 300) {
    if (isObject(body) && typeof body.sid === "string" && SID.test(body.sid)) {
      const twilioStatus = typeof body.status === "string" ? body.status : "unknown";
      return { outcome: "sent", httpStatus: status, sid: body.sid, twilioStatus };
    }
    return {
      outcome: "in_doubt",
      httpStatus: status,
      errorCode: null,
      errorMessage: `HTTP ${status} with an answer that is not a Message: the message may have been created`,
    };
  }
  if (status === 429) {
    return {
      outcome: "retry",
      httpStatus: status,
      errorCode: error.code ?? 20429,
      errorMessage: error.message ?? "Too Many Requests",
      retryAfterMs: parseRetryAfter(headers["retry-after"], nowMs),
    };
  }
  if (status >= 400 && status < 500) {
    const code = error.code;
    const message = error.message ?? `HTTP ${status}`;
    if (code !== null && errorInfo(code).class === "fatal") {
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
  return {
    outcome: "in_doubt",
    httpStatus: status,
    errorCode: error.code,
    errorMessage: `${error.message ?? `HTTP ${status}`}: the message may have been created`,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
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
