import { parsePhoneNumberFromString, validatePhoneNumberLength } from "libphonenumber-js/max";

/** What Lookup says about a number's validity and line type. */
export interface LineFacts {
  valid: boolean;
  validationErrors: string[];
  countryCode: string | null;
  callingCountryCode: string | null;
  nationalFormat: string | null;
  /** Twilio's line_type_intelligence.type; null when the number is not valid. */
  type: string | null;
}

/**
 * Numbers whose answer a fixture can plan on. Beyond them, libphonenumber's metadata decides:
 * an invalid number is `valid: false` with its reason, a fixed line is a `landline`, a number
 * that may be either (all of North America) is `mobile`, so a rehearsal with real data suppresses
 * no more than libphonenumber can tell.
 */
export const LOOKUP_MAGIC: ReadonlyMap<string, { type: string } | { invalid: string }> = new Map([
  // As in Messages, where To +15005550001 is an invalid number and +15005550009 a landline.
  ["+15005550001", { invalid: "INVALID_BUT_POSSIBLE" }],
  ["+15005550009", { type: "landline" }],
  ["+15005550005", { type: "nonFixedVoip" }],
  ["+15005550008", { type: "fixedVoip" }],
]);

const TYPES: Readonly<Record<string, string>> = {
  FIXED_LINE: "landline",
  MOBILE: "mobile",
  FIXED_LINE_OR_MOBILE: "mobile",
  VOIP: "nonFixedVoip",
  TOLL_FREE: "tollFree",
  PREMIUM_RATE: "premium",
  SHARED_COST: "sharedCost",
  PERSONAL_NUMBER: "personal",
  PAGER: "pager",
  UAN: "uan",
  VOICEMAIL: "voicemail",
};

// Twilio's names for libphonenumber's reasons, where they differ.
const REASONS: Readonly<Record<string, string>> = { INVALID_COUNTRY: "INVALID_COUNTRY_CODE" };

export function lookupLine(number: string): LineFacts {
  const parsed = parsePhoneNumberFromString(number);
  const magic = LOOKUP_MAGIC.get(number);
  const facts: LineFacts = {
    valid: false,
    validationErrors: [],
    countryCode: parsed?.country ?? null,
    callingCountryCode: parsed?.countryCallingCode ?? null,
    nationalFormat: parsed?.formatNational() ?? null,
    type: null,
  };
  if (magic && "invalid" in magic) return { ...facts, validationErrors: [magic.invalid] };
  if (magic) return { ...facts, valid: true, type: magic.type };
  if (!parsed?.isValid()) {
    const reason = validatePhoneNumberLength(number) ?? "INVALID_BUT_POSSIBLE";
    return { ...facts, validationErrors: [REASONS[reason] ?? reason] };
  }
  // The test range +1500555… is "personal" to libphonenumber; treat it as ordinary mobiles.
  if (number.startsWith("+1500555")) return { ...facts, valid: true, type: "mobile" };
  return { ...facts, valid: true, type: TYPES[parsed.getType() ?? ""] ?? "unknown" };
}
