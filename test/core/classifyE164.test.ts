import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from "libphonenumber-js/max";
import examples from "libphonenumber-js/mobile/examples";
import { describe, expect, it } from "vitest";
import { classifyE164 } from "../../src/core/classifyE164.js";
import { createPrng } from "../../src/simulator/prng.js";

/**
 * For every country: its example mobile, the same with its last digits redrawn, one digit
 * shorter and longer, and random national numbers of every length from 1 to 18. Random digits
 * hit fixed lines, toll-free and premium ranges, national prefixes and invalid ranges alike.
 */
function generatedNumbers(): string[] {
  const random = createPrng(7);
  const digits = (count: number) =>
    Array.from({ length: count }, () => Math.floor(random() * 10)).join("");
  const numbers = new Set<string>();
  for (const country of getCountries()) {
    const code = getCountryCallingCode(country);
    const example = (examples as Record<string, string>)[country];
    if (example !== undefined) {
      numbers.add(`+${code}${example}`);
      for (let redrawn = 1; redrawn <= 4; redrawn++) {
        for (let i = 0; i < 3; i++) {
          numbers.add(`+${code}${example.slice(0, -redrawn)}${digits(redrawn)}`);
        }
      }
      numbers.add(`+${code}${example.slice(0, -1)}`);
      numbers.add(`+${code}${example}${digits(1)}`);
    }
    for (let length = 1; length <= 18; length++) {
      for (let i = 0; i < 2; i++) numbers.add(`+${code}${digits(length)}`);
    }
  }
  for (let i = 0; i < 2000; i++) numbers.add(`+${digits(4 + Math.floor(random() * 12))}`);
  return [...numbers];
}

const EDGES = [
  "+15005550006", // Twilio's test range: "personal" to libphonenumber
  "+14155552671",
  "+12045551234", // Canada, sharing +1 with the US
  "+18095551234", // Dominican Republic
  "+11234567890", // +1 then a national prefix
  "+447911123456",
  "+4407911123456", // a national prefix after the calling code
  "+447624123456", // Isle of Man, sharing +44
  "+79161234567",
  "+77011234567", // Kazakhstan, sharing +7
  "+78005553535",
  "+80012345678", // non-geographic
  "+882123456789",
  "+0123456789",
  "+1",
  "+12",
  "+123",
  "+999123456",
];

describe("classifyE164", () => {
  const numbers = [...EDGES, ...generatedNumbers()];

  it("has thousands of numbers to compare, valid and invalid", () => {
    const valid = numbers.filter((text) => parsePhoneNumberFromString(text)?.isValid());
    expect(numbers.length).toBeGreaterThan(10_000);
    expect(valid.length).toBeGreaterThan(2_000);
    expect(numbers.length - valid.length).toBeGreaterThan(2_000);
  });

  it.each<[string, CountryCode | undefined]>([
    ["no default country", undefined],
    ["default country US", "US"],
    ["default country GB", "GB"],
  ])("answers as libphonenumber's isValid and getType do (%s)", (_, defaultCountry) => {
    const disagreements: string[] = [];
    for (const text of numbers) {
      const fast = classifyE164(text);
      if (fast === undefined) continue;
      const parsed = parsePhoneNumberFromString(text, { defaultCountry, extract: false });
      const slow = parsed && {
        number: parsed.number,
        valid: parsed.isValid(),
        type: parsed.getType(),
      };
      if (slow?.number !== text || slow.valid !== fast.valid || slow.type !== fast.type) {
        disagreements.push(`${text}: ${JSON.stringify(fast)} vs ${JSON.stringify(slow)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it("answers for nearly every valid number, leaving few to libphonenumber", () => {
    const valid = numbers.filter((text) => parsePhoneNumberFromString(text)?.isValid());
    const unanswered = valid.filter((text) => classifyE164(text) === undefined);
    expect(unanswered.length / valid.length).toBeLessThan(0.05);
  });

  it.each([
    "+4407911123456",
    "+80012345678",
    "+0123456789",
    "+1",
    "+12",
    "+1 415 555 2671",
    " +14155552671",
    "14155552671",
  ])("leaves %j to libphonenumber", (text) => {
    expect(classifyE164(text)).toBeUndefined();
  });
});
