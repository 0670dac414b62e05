import { type AnswerSpec, classifyAnswer } from "../../core/classifyAnswer.js";
import type { Operation, Remote } from "../operation.js";
import { sameAsRun } from "../readCells.js";
import { buildCallsRequest, type CallsRequest } from "./buildCallsRequest.js";

const ANSWER: AnswerSpec = {
  safety: "create",
  noun: "a Call",
  sid: /^CA[0-9a-f]{32}$/,
  result: (body) => ({ sid: body.sid, status: body.status }),
};

/** Calls create: `POST /2010-04-01/Accounts/{AC}/Calls.json`. */
export const calls: Operation<CallsRequest> = {
  name: "calls",
  noun: ["call", "calls"],
  safety: "create",
  summary: "place a voice call running a TwiML URL, inline TwiML or a TwiML App",
  rate: {
    note: "Twilio places 1 call per second per account unless support raised the limit (CPS); faster creates queue at Twilio",
    max: 1,
  },
  flags: [
    {
      flag: "--url <url>",
      key: "url",
      description: "calls: the TwiML URL for rows without a url column",
      valid: { pattern: /^https?:\/\/[^\s]+$/i, expected: "an http(s) URL" },
    },
    {
      flag: "--twiml <twiml>",
      key: "twiml",
      description: "calls: inline TwiML for rows without a twiml column",
    },
    {
      flag: "--application-sid <sid>",
      key: "applicationSid",
      description: "calls: the TwiML App (AP…) for rows without an application_sid column",
      valid: { pattern: /^AP[0-9a-f]{32}$/i, expected: "AP followed by 32 hexadecimal digits" },
    },
  ],
  columns: [
    "to",
    "from",
    "url",
    "twiml",
    "application_sid",
    "status_callback",
    "machine_detection",
    "timeout",
    "record",
    "time_limit",
  ],
  texts: () => false,
  build: buildCallsRequest,
  usesRunDefaults: (request, run) => sameAsRun(request.from, run.from),
  warm(api) {
    void api.client.calls;
  },
  send(api, request) {
    return api.capture(() => api.client.calls.createWithHttpInfo(request));
  },
  classify: (result, nowMs) => classifyAnswer(result, ANSWER, nowMs),
  reconcile: {
    kind: "search",
    // Not by StartTime: a call still queued has not started, and would be missed. Newest first,
    // but not confirmed strictly by date_created: the walk stops only after a whole page's
    // worth of calls older than the window (the rule of src/core/listReachesPast.ts, kept as a
    // count here so each call costs nothing).
    find(api, query) {
      const found: Remote[] = [];
      const pageSize = Math.min(1000, query.limit);
      let older = 0;
      return new Promise((resolve, reject) => {
        api.client.calls.each({
          to: query.request.to,
          from: query.request.from,
          limit: query.limit,
          pageSize,
          callback(c, done) {
            const createdAt = c.dateCreated ? c.dateCreated.getTime() : null;
            found.push({ sid: c.sid, status: String(c.status), to: c.to, from: c.from, createdAt });
            older = createdAt !== null && createdAt < query.from ? older + 1 : 0;
            if (older >= pageSize) done();
          },
          done: (error?: Error) => (error ? reject(error) : resolve(found)),
        });
      });
    },
    // A listed call shows no URL, TwiML or App: calls to one number from one sender look alike.
    key: (request) => JSON.stringify([request.to, request.from]),
    match: (request, remote) => remote.to === request.to && remote.from === request.from,
  },
  report: {
    columns: ["tb_call_status"],
    values: (result) => ({ tb_call_status: field(result, "status") }),
  },
};

function field(result: unknown, name: string): string | null {
  if (typeof result !== "object" || result === null) return null;
  const value = (result as Record<string, unknown>)[name];
  return value === undefined || value === null ? null : String(value);
}
