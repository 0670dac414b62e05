import type { SimVerification } from "./simVerification.js";

/** ISO 8601 without milliseconds, as the v2 APIs write dates: "2024-05-01T10:00:00Z". */
export function iso8601(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A verification as Verify v2 returns it, with absolute URLs on `origin`. */
export function verificationJson(v: SimVerification, origin: string): Record<string, unknown> {
  const phone = v.channel !== "email";
  return {
    sid: v.sid,
    service_sid: v.serviceSid,
    account_sid: v.accountSid,
    to: v.to,
    channel: v.channel,
    status: v.status,
    valid: v.status === "approved",
    lookup: {
      carrier: phone
        ? {
            error_code: null,
            name: "Simulated Mobile",
            mobile_country_code: "310",
            mobile_network_code: "456",
            type: "mobile",
          }
        : null,
    },
    amount: null,
    payee: null,
    send_code_attempts: [
      { attempt_sid: v.attemptSid, channel: v.channel, time: iso8601(v.dateCreated) },
    ],
    date_created: iso8601(v.dateCreated),
    date_updated: iso8601(v.dateUpdated),
    sna: null,
    url: `${origin}/v2/Services/${v.serviceSid}/Verifications/${v.sid}`,
  };
}
