/**
 * What a Twilio error code means for a bulk sender, and what the operator should do. The
 * `class` drives behaviour: `fatal` stops the run (every row would fail alike), `permanent`
 * is never retried unless named, `suppress` also adds the number to the suppression list.
 */
export type ErrorClass = "retryable" | "permanent" | "suppress" | "fatal" | "unknown" | "later";

export interface ErrorInfo {
  meaning: string;
  action: string;
  class: ErrorClass;
}

export const ERROR_CATALOG: Readonly<Record<number, ErrorInfo>> = {
  20003: {
    meaning: "authentication failed",
    action:
      "check the credentials (TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN or the API key pair, or the --profile), then resume",
    class: "fatal",
  },
  20008: {
    meaning: "test credentials cannot use this resource",
    action: "use live credentials for this command",
    class: "fatal",
  },
  20429: {
    meaning: "too many concurrent requests (never processed)",
    action: "retry with `twilio-bulk retry --status 429` at a lower --rate or --concurrency",
    class: "retryable",
  },
  20500: {
    meaning: "Twilio internal error: the message may or may not have been created",
    action: "run `twilio-bulk reconcile` before sending these rows again",
    class: "unknown",
  },
  20503: {
    meaning: "Twilio service unavailable: the message may or may not have been created",
    action: "run `twilio-bulk reconcile` before sending these rows again",
    class: "unknown",
  },
  21211: {
    meaning: "invalid To number",
    action: "fix the number in the list",
    class: "permanent",
  },
  21212: {
    meaning: "invalid From number",
    action: "fix --from (or the from column), then resume",
    class: "fatal",
  },
  21408: {
    meaning: "sending to this region is not enabled",
    action: "enable the country in the Console's geo permissions, then retry with --code 21408",
    class: "permanent",
  },
  21602: { meaning: "message body is required", action: "add a body", class: "permanent" },
  21603: {
    meaning: "a From number or Messaging Service is required",
    action: "give --from or --messaging-service-sid",
    class: "permanent",
  },
  21604: { meaning: "a To number is required", action: "fix the list", class: "permanent" },
  21606: {
    meaning: "the From number is not a valid, SMS-capable number of this account",
    action: "use one of the account's numbers as --from, then resume",
    class: "fatal",
  },
  21608: {
    meaning: "a trial account can only send to verified numbers",
    action:
      "verify the number in the Console, or upgrade the account, then retry with --code 21608",
    class: "permanent",
  },
  21610: {
    meaning: "recipient has opted out (replied STOP)",
    action: "none: the number is now suppressed and will not be sent to again",
    class: "suppress",
  },
  21611: {
    meaning: "the sender's queue is full",
    action: "retry much later with `twilio-bulk retry --code 21611` at a lower --rate",
    class: "later",
  },
  21612: {
    meaning: "this To cannot be reached from this From",
    action: "send from another number or a Messaging Service",
    class: "permanent",
  },
  21614: {
    meaning: "To is not a mobile number",
    action: "none: the number is now suppressed",
    class: "suppress",
  },
  21617: {
    meaning: "body exceeds 1600 characters",
    action: "shorten the body",
    class: "permanent",
  },
  21659: {
    meaning: "the From is not a Twilio phone number or short code of this account",
    action: "use one of the account's numbers as --from, then resume",
    class: "fatal",
  },
  30001: {
    meaning: "queue overflow: too many messages queued for the sender",
    action: "retry later at a lower --rate",
    class: "later",
  },
  30002: {
    meaning: "the account is suspended",
    action: "contact Twilio support before sending again",
    class: "permanent",
  },
  30003: {
    meaning: "unreachable destination handset",
    action: "retry later, or contact the recipient another way",
    class: "later",
  },
  30004: {
    meaning: "message blocked (the recipient blocked the sender, or the carrier did)",
    action: "none: do not retry",
    class: "permanent",
  },
  30005: { meaning: "unknown destination handset", action: "fix the number", class: "permanent" },
  30006: {
    meaning: "landline or unreachable carrier",
    action: "none: the number is now suppressed",
    class: "suppress",
  },
  30007: {
    meaning: "message filtered by the carrier",
    action: "review the content and your sender registration",
    class: "permanent",
  },
  30008: {
    meaning: "unknown error from the carrier",
    action: "retry later with `twilio-bulk retry --code 30008`",
    class: "later",
  },
  30032: {
    meaning: "toll-free number not verified",
    action: "verify the toll-free number in the Console before sending",
    class: "permanent",
  },
  30034: {
    meaning: "message from an unregistered US 10DLC number",
    action: "register the sender (A2P 10DLC) before sending",
    class: "permanent",
  },
  60203: {
    meaning:
      "Verify: max send attempts reached for this number (Twilio blocks it for about 10 minutes)",
    action: "wait 10 minutes, then `twilio-bulk retry --code 60203`",
    class: "later",
  },
  60212: {
    meaning: "Verify: too many verifications started for this number in a short time",
    action:
      "wait some minutes (Twilio does not publish this window), then `twilio-bulk retry --code 60212`",
    class: "later",
  },
};

export function errorInfo(code: number): ErrorInfo & { moreInfo: string } {
  const known = ERROR_CATALOG[code];
  return {
    ...(known ?? {
      meaning: "not in twilio-bulk's catalogue",
      action: "see Twilio's description",
      class: "unknown",
    }),
    moreInfo: `https://www.twilio.com/docs/errors/${code}`,
  };
}
