import { tooManyRequests } from "./twilioError.js";

/** What the simulator does with a request once it has decided, after the latency wait. */
export type Reply =
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  /** Destroy the socket without a word: a connection reset or a dropped answer. */
  | { kind: "destroy" };

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { kind: "json", status, body, headers } : { kind: "json", status, body };
}

/** A 429, with Retry-After when the simulator is told to send one (Twilio's is unconfirmed). */
export function tooManyRequestsReply(retryAfterSeconds: number | undefined): Reply {
  const headers =
    retryAfterSeconds === undefined ? undefined : { "Retry-After": String(retryAfterSeconds) };
  return json(429, tooManyRequests(), headers);
}
