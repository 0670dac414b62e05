import { CALL_MAGIC_FROM, CALL_MAGIC_TO } from "./callMagicNumbers.js";
import type { SimCall } from "./simCall.js";
import { type TwilioErrorBody, twilioError } from "./twilioError.js";

export type NewCall = Omit<
  SimCall,
  "sid" | "accountSid" | "status" | "dateCreated" | "dateUpdated" | "startTime" | "endTime"
>;

export type CallDecision = { ok: true; call: NewCall } | { ok: false; error: TwilioErrorBody };

// A phone number in E.164, or one of the other addresses a call can ring: a Client or SIP one.
const ADDRESS = /^(?:\+[1-9]\d{7,14}|client:\S+|sip:\S+)$/;
const APPLICATION_SID = /^AP[0-9a-fA-F]{32}$/;
const INSTRUCTIONS = ["Url", "Twiml", "ApplicationSid"] as const;

/**
 * Turns a Calls create form into the call to store or the 400 Twilio would answer: presence of
 * To, From and the call's instructions first, then their formats, then the test numbers.
 */
export function validateCall(form: URLSearchParams): CallDecision {
  const to = form.get("To") ?? "";
  const from = form.get("From") ?? "";
  const value = (name: string) => form.get(name) || null;
  if (to === "") return refuse(21201, "No 'To' number is specified");
  if (from === "") return refuse(21213, "No 'From' number is specified");
  const given = INSTRUCTIONS.filter((name) => value(name) !== null);
  if (given.length === 0) {
    return refuse(
      21205,
      "Url parameter is required. For more information, see http://www.twilio.com/docs/api/twiml",
    );
  }
  // Twilio documents Url and Twiml as exclusive and ignores both beside an ApplicationSid; a
  // request naming two is a sender's bug either way, so it is refused (code unconfirmed).
  if (given.length > 1)
    return refuse(
      21205,
      `Only one of Url, Twiml and ApplicationSid may be given, got ${given.join(", ")}`,
    );
  const url = value("Url");
  if (url !== null && !/^https?:\/\/[^\s/]+/.test(url))
    return refuse(21205, `Url is not a valid URL: ${url}`);
  const applicationSid = value("ApplicationSid");
  if (applicationSid !== null && !APPLICATION_SID.test(applicationSid)) {
    return refuse(21218, `Invalid ApplicationSid: ${applicationSid}`);
  }
  if (!ADDRESS.test(to)) return refuse(21211, `The 'To' number ${to} is not a valid phone number.`);
  const magic = CALL_MAGIC_FROM.get(from) ?? CALL_MAGIC_TO.get(to);
  if (magic) return refuse(magic.code, magic.message);
  return {
    ok: true,
    call: {
      to,
      from,
      url,
      twiml: value("Twiml"),
      applicationSid,
      statusCallback: value("StatusCallback"),
      machineDetection: value("MachineDetection"),
      timeout: value("Timeout"),
      record: value("Record"),
      timeLimit: value("TimeLimit"),
    },
  };
}

function refuse(code: number, message: string): CallDecision {
  return { ok: false, error: twilioError(400, code, message) };
}
