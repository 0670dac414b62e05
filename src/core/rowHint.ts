import { type CountryCode, normalisePhone } from "./normalisePhone.js";

/**
 * Where national numbers most often come from, tried in this order to suggest a
 * `--default-country`. A guess to show the operator, never applied: a number can be valid in
 * several of them.
 */
export const LIKELY_COUNTRIES: readonly CountryCode[] = [
  "US",
  "GB",
  "CA",
  "AU",
  "DE",
  "FR",
  "ES",
  "IT",
  "NL",
  "IE",
  "IN",
  "BR",
];

export interface RejectedRowFacts {
  state: "invalid" | "skipped";
  /** The recipient as written in the file. */
  value: string;
  /** The recipient in E.164, when it got that far. */
  to: string | null;
  reason: string;
}

/**
 * What the operator can do about a row the pre-flight left out, in a few words (an option to
 * pass, a command to run), or "" when its reason says it all. `countries` are tried in order
 * to suggest a `--default-country`.
 */
export function rowHint(
  row: RejectedRowFacts,
  countries: readonly CountryCode[] = LIKELY_COUNTRIES,
): string {
  const { reason } = row;
  if (row.state === "skipped") {
    if (reason.startsWith("duplicate")) return "pass --allow-duplicates to send it anyway";
    if (reason.startsWith("suppressed") && row.to) {
      return `run twilio-bulk suppress remove ${row.to} if it may be texted again`;
    }
    return "";
  }
  if (reason.includes("has no country code")) {
    const country = guessCountry(row.value, countries);
    return `pass --default-country ${country ?? "<ISO code>"}${country ? "" : " (the country the numbers are written for)"}`;
  }
  if (reason.includes("is not a phone number") || reason.startsWith("no recipient")) {
    return "pass --to-column NAME if the numbers are in another column";
  }
  if (reason.includes("the --body template uses")) return "add the column, or change --body";
  if (reason.includes("no body and no media_url")) return "add a body column, or pass --body";
  return "";
}

/** The first of `countries` in which `national` is a valid number: a guess for a hint. */
export function guessCountry(
  national: string,
  countries: readonly CountryCode[] = LIKELY_COUNTRIES,
): CountryCode | undefined {
  return countries.find((code) => normalisePhone(national, code).ok);
}
