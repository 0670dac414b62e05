import { describe, expect, it } from "vitest";
import { type CountryCode, isCountryCode, normalisePhone } from "../../src/core/normalisePhone.js";

describe("normalisePhone", () => {
  it.each<[string, CountryCode | undefined, string]>([
    ["+12025550123", undefined, "+12025550123"],
    ["  +1 (202) 555-0123 ", undefined, "+12025550123"],
    ["+1.202.555.0123", undefined, "+12025550123"],
    ["+61 491 570 156", undefined, "+61491570156"],
    ["+44 20 7183 8750", undefined, "+442071838750"],
    ["+44 (0) 20 7183 8750", undefined, "+442071838750"],
    ["(202) 555-0123", "US", "+12025550123"],
    ["020 7183 8750", "GB", "+442071838750"],
    ["0044 20 7183 8750", "GB", "+442071838750"],
    ["+12025550123", "GB", "+12025550123"],
    ["+15005550004", undefined, "+15005550004"],
    ["+1 500 555 0009", undefined, "+15005550009"],
    ["5005550006", "US", "+15005550006"],
  ])("%j (default %s) is %s", (raw, country, e164) => {
    expect(normalisePhone(raw, country)).toEqual({ ok: true, e164 });
  });

  it.each<[string, CountryCode | undefined, RegExp]>([
    ["", undefined, /the phone number is empty/],
    ["   ", "US", /the phone number is empty/],
    ["call me", undefined, /`call me` is not a phone number/],
    ["tel:+12025550123", undefined, /is not a phone number/],
    ["+12025550123 / +12025550100", undefined, /is not a phone number/],
    ["(202) 555-0123", undefined, /has no country code.*--default-country/],
    ["+1202555012", undefined, /`\+1202555012` is not a valid phone number \(too short\)/],
    ["+1202555012345", undefined, /\(too long\)/],
    ["+999123456", undefined, /\(no known country code\)/],
    ["+447700900123", undefined, /`\+447700900123` is not a valid phone number/],
    ["+1 202 555 0123 ext. 7", undefined, /has an extension/],
  ])("%j (default %s) is rejected", (raw, country, reason) => {
    const result = normalisePhone(raw, country);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe("isCountryCode", () => {
  it.each([
    ["US", true],
    ["GB", true],
    ["gb", false],
    ["UK", false],
    ["XX", false],
    ["", false],
  ])("%j is %s", (code, expected) => {
    expect(isCountryCode(code)).toBe(expected);
  });
});
