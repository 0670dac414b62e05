import { type MeteredInput, type Prepared, refusal } from "./prepared.js";
import type { SimulatorState } from "./simulatorState.js";
import { notFound, twilioError } from "./twilioError.js";
import { verificationJson } from "./verificationJson.js";

const SERVICE_SID = /^VA[0-9a-fA-F]{32}$/;
/** The one well-formed service sid that does not exist: a row naming a service Twilio does not find. */
export const UNKNOWN_SERVICE = `VA${"0".repeat(32)}`;
const CHANNELS = new Set(["sms", "call", "email", "whatsapp", "sna"]);
const PHONE = /^\+[1-9]\d{7,14}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
// Twilio refuses a sixth send to one number within ten minutes while its verification is open.
const MAX_SENDS = 5;
const SEND_WINDOW_MS = 10 * 60 * 1000;

/**
 * POST /v2/Services/{VA}/Verifications. Any well-formed service sid exists (the simulator cannot
 * know an account's services) but `VA` and 32 zeros; that one and a malformed one are a 404, as
 * an unknown service is at Twilio.
 * To +15005550001 is an invalid number and +15005550009 a landline (60205 for sms and whatsapp),
 * as in Lookup.
 */
export function createVerification(state: SimulatorState, input: MeteredInput): Prepared {
  const serviceSid = input.subject ?? "";
  if (!SERVICE_SID.test(serviceSid) || serviceSid === UNKNOWN_SERVICE) {
    return refusal(notFound(`/v2/Services/${serviceSid}/Verifications`));
  }
  const to = input.form.get("To") ?? "";
  const channel = input.form.get("Channel") ?? "";
  if (to === "") return invalid("To", to);
  if (!CHANNELS.has(channel)) return invalid("Channel", channel);
  if (!(channel === "email" ? EMAIL : PHONE).test(to) || to === "+15005550001") {
    return invalid("To", to);
  }
  if (to === "+15005550009" && (channel === "sms" || channel === "whatsapp")) {
    return refusal(twilioError(400, 60205, "SMS is not supported by landline phone number"));
  }
  const nowMs = input.now.getTime();
  const key = `${serviceSid} ${to}`;
  const all = state.verifications.all();
  const recent = state.verifications
    .indicesOf(key)
    .filter(
      (i) => all[i]!.status === "pending" && nowMs - all[i]!.dateCreated.getTime() < SEND_WINDOW_MS,
    );
  if (recent.length >= MAX_SENDS) {
    return refusal(twilioError(429, 60203, "Max send attempts reached"));
  }
  return {
    ok: true,
    commit() {
      const { now } = input;
      const verification = state.verifications.add((sid) => ({
        sid,
        accountSid: input.accountSid,
        serviceSid,
        to,
        channel,
        locale: input.form.get("Locale") || null,
        status: "pending",
        attemptSid: state.newSid("VL"),
        dateCreated: now,
        dateUpdated: now,
      }));
      return {
        status: 201,
        body: verificationJson(verification, input.origin),
        sid: verification.sid,
      };
    },
  };
}

function invalid(param: string, value: string): Prepared {
  return refusal(twilioError(400, 60200, `Invalid parameter \`${param}\`: ${value}`));
}
