import { describe, expect, it } from "vitest";
import { type RejectedRowFacts, rowHint } from "../../src/core/rowHint.js";

const invalid = (value: string, reason: string): RejectedRowFacts => ({
  state: "invalid",
  value,
  to: null,
  reason,
});
const noCountry = (value: string) =>
  invalid(value, `to: \`${value}\` has no country code: write it as +<country code><number>`);

describe("rowHint", () => {
  it.each([
    [noCountry("(415) 555-0100"), "pass --default-country US"],
    [noCountry("020 7946 0018"), "pass --default-country GB"],
    [noCountry("030 901820"), "pass --default-country DE"],
    [
      noCountry("12"),
      "pass --default-country <ISO code> (the country the numbers are written for)",
    ],
    [
      invalid("hello", "to: `hello` is not a phone number"),
      "pass --to-column NAME if the numbers are in another column",
    ],
    [
      invalid("", "no recipient: `to` is empty"),
      "pass --to-column NAME if the numbers are in another column",
    ],
    [
      invalid("+1", "the --body template uses {{name}}, which this row does not have"),
      "add the column, or change --body",
    ],
    [
      invalid("+1", "nothing to send: no body and no media_url"),
      "add a body column, or pass --body",
    ],
    [invalid("+1", "the body is 1700 characters (UTF-16 units); Twilio's limit is 1600"), ""],
    [
      { state: "skipped", value: "x", to: "+14155550100", reason: "duplicate of line 2" },
      "pass --allow-duplicates to send it anyway",
    ],
    [
      { state: "skipped", value: "x", to: "+14155550100", reason: "suppressed: replied STOP" },
      "run twilio-bulk suppress remove +14155550100 if it may be texted again",
    ],
  ] as [RejectedRowFacts, string][])("%j → %j", (row, hint) => {
    expect(rowHint(row)).toBe(hint);
  });
});
