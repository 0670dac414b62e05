import { countSegments } from "../core/countSegments.js";
import { MAGIC_FROM, MAGIC_TO } from "./magicNumbers.js";
import type { NewMessage } from "./messageStore.js";
import { type TwilioErrorBody, twilioError } from "./twilioError.js";

export type CreateDecision =
  | { ok: true; message: Omit<NewMessage, "accountSid"> }
  | { ok: false; error: TwilioErrorBody };

const MAX_BODY = 1600;
const SCHEDULE_MIN_S = 300;
const SCHEDULE_MAX_S = 35 * 24 * 3600;
// E.164, optionally behind a channel prefix such as "whatsapp:".
const E164 = /^(?:[a-z]+:)?\+[1-9]\d{7,14}$/;

/**
 * Turns a create form into the message to store or the 400 Twilio would answer. Checks run in a
 * fixed order: presence, size, scheduling, To format, then the test numbers. Twilio does not
 * document its own order, so a request with several problems may get another code there.
 */
export function validateCreate(form: URLSearchParams, nowMs: number): CreateDecision {
  const to = form.get("To") ?? "";
  let from = form.get("From") || null;
  let messagingServiceSid = form.get("MessagingServiceSid") || null;
  // Twilio takes a Messaging Service SID in From too, and then behaves as if it came alone.
  if (!messagingServiceSid && from?.startsWith("MG")) [messagingServiceSid, from] = [from, null];
  const contentSid = form.get("ContentSid");
  // Twilio lists a template's message with the text it rendered, never the template's sid: a
  // stand-in text here, so reconcile cannot lean on the request's (empty) body.
  const body =
    form.get("Body") ||
    (contentSid ? `Rendered ${contentSid} with ${form.get("ContentVariables") ?? "{}"}` : "");
  const mediaUrls = form.getAll("MediaUrl").filter((url) => url !== "");
  const sendAt = form.get("SendAt") || null;

  if (to === "") return refuse(21604, "A 'To' phone number is required.");
  if (!from && !messagingServiceSid) {
    return refuse(
      21603,
      "A 'From' or 'MessagingServiceSid' parameter is required to send a message.",
    );
  }
  if (body === "" && mediaUrls.length === 0) {
    return refuse(21602, "Message body is required.");
  }
  if ([...body].length > MAX_BODY) {
    return refuse(21617, "The concatenated message body exceeds the 1600 character limit.");
  }
  const scheduling = checkScheduling(form, sendAt, messagingServiceSid, nowMs);
  if (scheduling) return { ok: false, error: scheduling };
  const validity = form.get("ValidityPeriod");
  if (validity !== null && !/^\d+$/.test(validity)) return badValidity();
  if (validity !== null && (Number(validity) < 1 || Number(validity) > 36000)) return badValidity();
  if (!E164.test(to)) return refuse(21211, `The 'To' number ${to} is not a valid phone number.`);
  const magic = (from && MAGIC_FROM.get(from)) || MAGIC_TO.get(to);
  if (magic) return refuse(magic.code, magic.message);

  const status = sendAt ? "scheduled" : messagingServiceSid ? "accepted" : "queued";
  // Twilio bills a media-only message as one segment.
  const numSegments = String(Math.max(1, countSegments(body).segments));
  return {
    ok: true,
    message: { to, from, messagingServiceSid, body, mediaUrls, status, numSegments },
  };
}

function checkScheduling(
  form: URLSearchParams,
  sendAt: string | null,
  messagingServiceSid: string | null,
  nowMs: number,
): TwilioErrorBody | null {
  if (form.get("ScheduleType") === "fixed" && !sendAt) {
    return twilioError(400, 35111, "SendAt timestamp is missing");
  }
  if (!sendAt) return null;
  if (!messagingServiceSid) {
    return twilioError(400, 35118, "MessagingServiceSid is required to schedule a message");
  }
  const aheadS = (Date.parse(sendAt) - nowMs) / 1000;
  if (!(aheadS >= SCHEDULE_MIN_S && aheadS <= SCHEDULE_MAX_S)) {
    return twilioError(
      400,
      35114,
      "SendAt time must be between 300 seconds and 35 days (3024000 seconds) in the future, inclusive.",
    );
  }
  return null;
}

function refuse(code: number, message: string): CreateDecision {
  return { ok: false, error: twilioError(400, code, message) };
}

function badValidity(): CreateDecision {
  return refuse(21624, "Validity period can only be set to integers between 1 and 36,000 seconds.");
}
