import {
  type CountryCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from "libphonenumber-js/max";

export type { CountryCode };

export type NormalisedPhone = { ok: true; e164: string } | { ok: false; reason: string };

/**
 * Twilio's test-credential numbers (+1 500 555 xxxx) drive its documented error cases. They
 * sit in a personal-communications area code that libphonenumber's metadata has judged
 * invalid in some releases and valid in others; they must pass either way, or a dry run with
 * test credentials could never exercise opt-outs and landlines.
 */
const TWILIO_MAGIC = /^\+1500555\d{4}$/;

const LENGTH_PROBLEMS: Record<string, string> = {
  TOO_SHORT: "too short",
  TOO_LONG: "too long",
  INVALID_LENGTH: "the wrong length",
  INVALID_COUNTRY: "not under a known country code",
  NOT_A_NUMBER: "not a phone number",
};

/** A recipient or sender number in E.164, or why it cannot be one. */
export function normalisePhone(raw: string, defaultCountry?: CountryCode): NormalisedPhone {
  const text = raw.trim();
  if (text === "") return { ok: false, reason: "the phone number is empty" };
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  const candidate = parsed?.number ?? text.replace(/[\s().-]/g, "");
  if (TWILIO_MAGIC.test(candidate)) return { ok: true, e164: candidate };
  if (defaultCountry === undefined && !text.startsWith("+")) {
    return {
      ok: false,
      reason: `\`${text}\` has no country code; write it as +<country code><number>, or pass --default-country (e.g. US) to read national numbers`,
    };
  }
  if (parsed?.ext) {
    return { ok: false, reason: `\`${text}\` has an extension, which a text message cannot reach` };
  }
  if (parsed === undefined || !parsed.isValid()) {
    const problem = LENGTH_PROBLEMS[validatePhoneNumberLength(text, defaultCountry) ?? ""];
    return { ok: false, reason: `\`${text}\` is not a valid phone number${problem ? ` (${problem})` : ""}` };
  }
  return { ok: true, e164: parsed.number };
}

/** For `--default-country`: an ISO 3166-1 alpha-2 code libphonenumber knows, upper case. */
export function isCountryCode(value: string): value is CountryCode {
  return isSupportedCountry(value);
}
