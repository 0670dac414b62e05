import type { CountryCode } from "./normalisePhone.js";
import { normaliseSender } from "./normaliseSender.js";

/** A run's `--from` / `--messaging-service-sid`, as its rows' requests carry them. */
export function defaultSender(sending: {
  from?: unknown;
  messagingServiceSid?: unknown;
  defaultCountry?: unknown;
}): { from?: string; messagingServiceSid?: string } {
  const sender: { from?: string; messagingServiceSid?: string } = {};
  if (typeof sending.from === "string") {
    const country =
      typeof sending.defaultCountry === "string"
        ? (sending.defaultCountry as CountryCode)
        : undefined;
    const normalised = normaliseSender(sending.from, country);
    sender.from = normalised.ok ? normalised.from : sending.from;
  }
  if (typeof sending.messagingServiceSid === "string") {
    sender.messagingServiceSid = sending.messagingServiceSid;
  }
  return sender;
}
