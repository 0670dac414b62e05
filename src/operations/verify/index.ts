import { type AnswerSpec, classifyAnswer } from "../../core/classifyAnswer.js";
import type { Operation } from "../operation.js";
import { sameAsRun } from "../readCells.js";
import { buildVerifyRequest, type VerifyRequest } from "./buildVerifyRequest.js";

const ANSWER: AnswerSpec = {
  safety: "create",
  noun: "a Verification",
  sid: /^VE[0-9a-f]{32}$/,
  // Not found speaks for every row only when the service is the run's (`usesRunDefaults`).
  fatalCodes: new Set([20404]),
  // Twilio blocks the number for about ten minutes (60203: five sends without a check; 60212:
  // many starts in a short time): a retry within the run's backoff would meet the same 429.
  failNowCodes: new Set([60203, 60212]),
  result: (body) => ({ sid: body.sid, status: body.status, channel: body.channel }),
};

/** Verify v2: starts a verification (sends a one-time code) by sms, call, email or whatsapp. */
export const verify: Operation<VerifyRequest> = {
  name: "verify",
  noun: ["verification", "verifications"],
  safety: "create",
  summary: "start a Verify verification (a one-time code by sms, call, email or whatsapp)",
  flags: [
    {
      flag: "--channel <channel>",
      key: "channel",
      description: "verify: sms, call, email or whatsapp for rows without a channel column",
      valid: {
        pattern: /^(sms|call|email|whatsapp)$/i,
        expected: "one of sms, call, email, whatsapp",
      },
    },
    {
      flag: "--verify-service-sid <sid>",
      key: "verifyServiceSid",
      description: "verify: the Verify Service (VA…) for rows without a verify_service_sid column",
      valid: { pattern: /^VA[0-9a-f]{32}$/i, expected: "VA followed by 32 hexadecimal digits" },
    },
  ],
  columns: ["to", "channel", "verify_service_sid", "locale"],
  texts: (request) => request.channel === "sms" || request.channel === "whatsapp",
  build: buildVerifyRequest,
  usesRunDefaults: (request, run) => sameAsRun(request.serviceSid, run.options.verifyServiceSid),
  warm(api) {
    void api.client.verify.v2;
  },
  send(api, request) {
    const { serviceSid, ...params } = request;
    return api.capture(() =>
      api.client.verify.v2.services(serviceSid).verifications.createWithHttpInfo(params),
    );
  },
  classify: (result, nowMs) => classifyAnswer(result, ANSWER, nowMs),
  reconcile: {
    kind: "unsupported",
    reason:
      "Twilio cannot list verifications: `twilio-bulk retry --state in_doubt` sends them again on purpose (the person may get a second code)",
  },
  report: {
    columns: ["tb_verification_status"],
    values: (result) => ({
      tb_verification_status:
        typeof result === "object" && result !== null
          ? String((result as { status?: unknown }).status ?? "") || null
          : null,
    }),
  },
};
