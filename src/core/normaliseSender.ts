import { type CountryCode, normalisePhone } from "./normalisePhone.js";

export type NormalisedSender = { ok: true; from: string } | { ok: false; reason: string };

const SHORT_CODE = /^\d{3,8}$/;
// Twilio: up to 11 of A–Z, a–z, 0–9 and space, with at least one letter.
const ALPHANUMERIC_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const PHONE_LIKE = /^[+\d\s().-]+$/;

/**
 * A `From` as Twilio takes it: a phone number (normalised to E.164), a short code or an
 * alphanumeric sender ID (both kept as written).
 */
export function normaliseSender(raw: string, defaultCountry?: CountryCode): NormalisedSender {
  // A list is mostly sent from one number (--from, or the same `from` on every row): parsing
  // it again for each row was a third of the pre-flight's phone parsing. Results are frozen
  // values, so handing the same one out again is safe.
  if (raw === last.raw && defaultCountry === last.country) return last.result;
  const result = Object.freeze(decide(raw, defaultCountry));
  last = { raw, country: defaultCountry, result };
  return result;
}

let last: { raw: string; country: CountryCode | undefined; result: NormalisedSender } = {
  raw: "",
  country: undefined,
  result: decide(""),
};

function decide(raw: string, defaultCountry?: CountryCode): NormalisedSender {
  const from = raw.trim();
  if (SHORT_CODE.test(from)) return { ok: true, from };
  if (PHONE_LIKE.test(from)) {
    const phone = normalisePhone(from, defaultCountry);
    return phone.ok
      ? { ok: true, from: phone.e164 }
      : { ok: false, reason: `from: ${phone.reason}` };
  }
  if (ALPHANUMERIC_ID.test(from)) return { ok: true, from };
  return {
    ok: false,
    reason: `\`from\` \`${from}\` is not a phone number, a short code or an alphanumeric sender ID (1–11 letters, digits, spaces)`,
  };
}
