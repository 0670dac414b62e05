import type { Messenger } from "../twilio/messenger.js";
import type { Credentials } from "../twilio/readCredentials.js";
import type { TwilioApi } from "../twilio/twilioApi.js";
import type { ScheduleOptions } from "./sendOptions.js";

export const USER_AGENT = "twilio-bulk/0.1.0";

/**
 * The Twilio client for commands that talk to Twilio, loaded only when one does: `twilio`
 * costs more start-up time than every other dependency together.
 */
export async function openMessenger(
  credentials: Credentials,
  options: Pick<ScheduleOptions, "apiUrl" | "timeoutMs" | "concurrency">,
): Promise<Messenger> {
  const { openTwilioMessenger } = await import("../twilio/twilioMessenger.js");
  return openTwilioMessenger({
    credentials,
    apiUrl: options.apiUrl,
    timeoutMs: options.timeoutMs,
    concurrency: options.concurrency,
    userAgent: USER_AGENT,
  });
}

/** The loaded twilio client the operations send through; loaded only when a command sends. */
export async function openTwilio(
  credentials: Credentials,
  options: Pick<ScheduleOptions, "apiUrl" | "timeoutMs" | "concurrency">,
): Promise<TwilioApi> {
  const { openTwilioApi } = await import("../twilio/openTwilioApi.js");
  return openTwilioApi({
    credentials,
    apiUrl: options.apiUrl,
    timeoutMs: options.timeoutMs,
    concurrency: options.concurrency,
    userAgent: USER_AGENT,
  });
}
