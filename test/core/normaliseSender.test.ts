import { describe, expect, it } from "vitest";
import { normaliseSender } from "../../src/core/normaliseSender.js";

describe("normaliseSender", () => {
  it.each([
    ["+1 202 555 0123", "+12025550123"],
    ["+15005550006", "+15005550006"],
    ["12345", "12345"],
    ["889", "889"],
    ["ACME", "ACME"],
    ["Acme Ltd 24", "Acme Ltd 24"],
    [" ACME ", "ACME"],
  ])("%j is sent as %j", (raw, from) => {
    expect(normaliseSender(raw, "US")).toEqual({ ok: true, from });
  });

  it.each([
    ["+1202", /from: .* is not a valid phone number/],
    ["ACME Limited Co", /not a phone number, a short code or an alphanumeric sender ID/],
    ["ACME-UK", /alphanumeric sender ID/],
    ["12", /from: `12` has no country code/],
    ["whatsapp:+12025550123", /alphanumeric sender ID/],
  ])("%j is rejected", (raw, reason) => {
    const result = normaliseSender(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
