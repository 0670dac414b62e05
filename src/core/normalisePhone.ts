import {
  type CountryCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from "libphonenumber-js/max";
import { classifyE164 } from "./classifyE164.js";

export type { CountryCode };

export type NormalisedPhone = { ok: true; e164: string } | { ok: false; reason: string };

/**
 * Twilio's test-credential numbers (+1 500 555 xxxx) drive its documented error cases. They
 * sit in a personal-communications area code that libphonenumber's metadata has judged
 * invalid in some releases; they must pass whatever the metadata says, or a run with test
 * credentials could never exercise opt-outs and landlines.
 */
const TWILIO_MAGIC = /^\+1500555\d{4}$/;

const LENGTH_PROBLEMS: Record<string, string> = {
  TOO_SHORT: "too short",
  TOO_LONG: "too long",
  INVALID_LENGTH: "the wrong length for its country",
  INVALID_COUNTRY: "no known country code",
};

/** A recipient or sender number in E.164, or why it cannot be one. */
export function normalisePhone(raw: string, defaultCountry?: CountryCode): NormalisedPhone {
  const text = raw.trim();
  // Most numbers of a large list are written E.164 already: libphonenumber's answer for them,
  // without its parse. Anything else (invalid ones too, for the reason) goes the long way.
  if (classifyE164(text)?.valid) return { ok: true, e164: text };
  if (text === "") return { ok: false, reason: "the phone number is empty" };
  // Without a digit nothing can be a number; libphonenumber's parse would say so at the cost
  // of an exception (a few hundred times an E.164 check), and a list's bad rows are often
  // words in the number's column.
  if (!/\d/.test(text)) return notAPhoneNumber(text);
  // Not extracting: "+1 212 555 0199 / +1 212 555 0100" must fail, not quietly become the first.
  const parsed = parsePhoneNumberFromString(text, { defaultCountry, extract: false });
  const candidate = parsed?.number ?? text.replace(/[\s().-]/g, "");
  if (TWILIO_MAGIC.test(candidate)) return { ok: true, e164: candidate };
  if (parsed === undefined && /[^\d\s().+-]/.test(text)) return notAPhoneNumber(text);
  if (defaultCountry === undefined && !text.startsWith("+")) {
    return {
      ok: false,
      reason: `\`${text}\` has no country code: write it as +<country code><number>, or pass --default-country (e.g. US) to read national numbers`,
    };
  }
  if (parsed?.ext) {
    return { ok: false, reason: `\`${text}\` has an extension, which a text message cannot reach` };
  }
  if (parsed === undefined || !parsed.isValid()) {
    const problem = LENGTH_PROBLEMS[validatePhoneNumberLength(text, defaultCountry) ?? ""];
    const detail = problem === undefined ? "" : ` (${problem})`;
    return { ok: false, reason: `\`${text}\` is not a valid phone number${detail}` };
  }
  return { ok: true, e164: parsed.number };
}

function notAPhoneNumber(text: string): NormalisedPhone {
  return { ok: false, reason: `\`${text}\` is not a phone number` };
}

/** For `--default-country`: an ISO 3166-1 alpha-2 code libphonenumber knows, in upper case. */
export function isCountryCode(value: string): value is CountryCode {
  return isSupportedCountry(value);
}
