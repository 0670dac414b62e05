import { describe, expect, it } from "vitest";
import { pickFound } from "../../src/core/pickFound.js";

const MIN = 60_000;
const options = {
  attemptAt: 100 * MIN,
  nowMs: 110 * MIN,
  skewMs: 5 * MIN,
  knownSids: new Set<string>(),
};

describe("pickFound", () => {
  it.each([
    ["nothing listed", [], { sid: null, duplicates: [] }],
    ["one since the attempt", [{ sid: "A", createdAt: 101 * MIN }], { sid: "A", duplicates: [] }],
    ["one long before it", [{ sid: "A", createdAt: 50 * MIN }], { sid: null, duplicates: [] }],
    [
      "one within the skew before it",
      [{ sid: "A", createdAt: 97 * MIN }],
      { sid: "A", duplicates: [] },
    ],
    ["one without a date", [{ sid: "A", createdAt: null }], { sid: "A", duplicates: [] }],
    [
      "two: the earliest is the row's, the other a duplicate",
      [
        { sid: "B", createdAt: 104 * MIN },
        { sid: "A", createdAt: 102 * MIN },
      ],
      { sid: "A", duplicates: ["B"] },
    ],
  ])("%s", (_what, listed, expected) => {
    expect(pickFound(listed, options)).toEqual(expected);
  });

  it("never takes what the journal already gives another row", () => {
    const listed = [{ sid: "A", createdAt: 101 * MIN }];
    expect(pickFound(listed, { ...options, knownSids: new Set(["A"]) }).sid).toBeNull();
  });
});
