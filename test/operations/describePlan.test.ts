import { describe, expect, it } from "vitest";
import { describePlan } from "../../src/operations/describePlan.js";

describe("the plan's lines per API", () => {
  it("say nothing for a messages-only list", () => {
    expect(describePlan({ messages: 10 }, 50)).toEqual([]);
  });

  it("count each API and note Twilio's own ceilings when --rate is above them", () => {
    expect(describePlan({ messages: 3, calls: 2, studio: 1 }, 25)).toEqual([
      "      by API: messages 3, calls 2, studio 1.",
      expect.stringMatching(/^ {6}Note \(calls\): --rate 25 is above 1\/s: Twilio places 1 call/),
      expect.stringMatching(
        /^ {6}Note \(studio\): --rate 25 is above 20\/s: Twilio accepts at most 20/,
      ),
    ]);
    expect(describePlan({ calls: 2 }, 1)).toEqual(["      by API: calls 2."]);
  });
});
