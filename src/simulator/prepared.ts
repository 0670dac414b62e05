import type { TwilioErrorBody } from "./twilioError.js";

/** What a metered request's handler is given, once auth and the limits let it through. */
export interface MeteredInput {
  /** The POST form, or the query of a GET. */
  form: URLSearchParams;
  /** The route's subject: Verify Service, Studio Flow, looked-up number. */
  subject: string | null;
  accountSid: string;
  /** e.g. "http://127.0.0.1:4010", for the absolute URLs of the v2 APIs. */
  origin: string;
  now: Date;
}

/** A handler's answer once it commits: the resource it stored, if any, and its JSON. */
export interface Committed {
  status: number;
  body: unknown;
  sid: string | null;
}

/**
 * A handler's verdict before anything is stored: the 4xx Twilio would answer, or how to carry
 * the request out. Split so that a 500 can strike before or after the create.
 */
export type Prepared = { ok: false; error: TwilioErrorBody } | { ok: true; commit(): Committed };

export function refusal(error: TwilioErrorBody): Prepared {
  return { ok: false, error };
}
