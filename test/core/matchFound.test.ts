import { describe, expect, it } from "vitest";
import { type FoundAttempt, type FoundCandidate, matchFound } from "../../src/core/matchFound.js";

const T0 = Date.parse("2024-05-01T10:00:00Z");
const MIN = 60_000;
const none = new Set<string>();

const attempt = (idx: number, identity = "A", at = T0): FoundAttempt => ({
  idx,
  identity,
  from: at - 5 * MIN,
  until: at + 5.5 * MIN,
});
const found = (sid: string, atMin: number | null): FoundCandidate => ({
  sid,
  createdAt: atMin === null ? null : T0 + atMin * MIN,
});
const sent = (idx: number, sid: string, duplicates: string[] = []) => ({
  idx,
  sid,
  duplicates,
  ambiguous: [],
});
const nothing = (idx: number, ambiguous: string[] = []) => ({
  idx,
  sid: null,
  duplicates: [],
  ambiguous,
});

describe("matchFound: one in-doubt row", () => {
  it.each<[string, FoundCandidate[], ReturnType<typeof sent | typeof nothing>]>([
    ["nothing listed", [], nothing(0)],
    ["one in its window", [found("CA1", 0)], sent(0, "CA1")],
    [
      "the earliest is its own, the later ones duplicates",
      [found("CA2", 2), found("CA1", 0)],
      sent(0, "CA1", ["CA2"]),
    ],
    ["before the attempt (less skew)", [found("CA1", -6)], nothing(0)],
    ["after its attempt could have ended (plus skew)", [found("CA1", 6)], nothing(0)],
    ["no date: any time", [found("CA1", null)], sent(0, "CA1")],
  ])("%s", (_, listed, expected) => {
    expect(matchFound([attempt(0)], listed, none)).toEqual([expected]);
  });

  it("never takes what the journal knows (another row's, another run's)", () => {
    expect(matchFound([attempt(0)], [found("CA1", 0)], new Set(["CA1"]))).toEqual([nothing(0)]);
    expect(matchFound([attempt(0)], [found("CA1", 0), found("CA2", 1)], new Set(["CA1"]))).toEqual([
      sent(0, "CA2"),
    ]);
  });
});

describe("matchFound: rows the list cannot tell apart", () => {
  it("gives a row with a narrow window its only call, though a retried row's wide window holds it", () => {
    const wide = { ...attempt(1), until: T0 + 25.5 * MIN };
    const narrow = attempt(2, "A", T0 + MIN);
    expect(matchFound([wide, narrow], [found("CAlate", 20), found("CAearly", 1)], none)).toEqual([
      sent(1, "CAlate"),
      sent(2, "CAearly"),
    ]);
  });

  it("files no leftover as a duplicate while a row of the same request has none", () => {
    // Row 2's window ends before either call; row 1 holds both.
    const early = { ...attempt(2, "A", T0 - 20 * MIN), until: T0 - 10 * MIN };
    expect(matchFound([attempt(1), early], [found("CA1", 0), found("CA2", 1)], none)).toEqual([
      sent(1, "CA1"),
      nothing(2),
    ]);
  });

  it("rows that asked for the same thing take one each, oldest first in attempt order", () => {
    const rows = [attempt(0), attempt(1, "A", T0 + 1000)];
    expect(matchFound(rows, [found("CA2", 0.5), found("CA1", 0)], none)).toEqual([
      sent(0, "CA1"),
      sent(1, "CA2"),
    ]);
    // One found for two: the first attempted takes it, the other was not created.
    expect(matchFound(rows, [found("CA1", 0)], none)).toEqual([sent(0, "CA1"), nothing(1)]);
    // Three for two: the third is a duplicate of the last.
    expect(matchFound(rows, [found("CA1", 0), found("CA2", 0.5), found("CA3", 1)], none)).toEqual([
      sent(0, "CA1"),
      sent(1, "CA2", ["CA3"]),
    ]);
  });

  it("rows that asked for different things (another URL) stay in doubt when either could own a call", () => {
    const rows = [attempt(0, "url-1"), attempt(1, "url-2", T0 + 1000)];
    expect(matchFound(rows, [found("CA1", 0), found("CA2", 0)], none)).toEqual([
      nothing(0, ["CA1", "CA2"]),
      nothing(1, ["CA1", "CA2"]),
    ]);
    // Not one of them goes back to pending while the call could be its own.
    expect(matchFound(rows, [found("CA1", 0)], none)).toEqual([
      nothing(0, ["CA1"]),
      nothing(1, ["CA1"]),
    ]);
    expect(matchFound(rows, [], none)).toEqual([nothing(0), nothing(1)]);
  });

  it("windows that do not overlap tell them apart by time", () => {
    const rows = [attempt(0, "url-1"), attempt(1, "url-2", T0 + 60 * MIN)];
    expect(matchFound(rows, [found("CA2", 60), found("CA1", 0)], none)).toEqual([
      sent(0, "CA1"),
      sent(1, "CA2"),
    ]);
    // Row 1's call is nowhere, and nothing listed could be it: not created.
    expect(matchFound(rows, [found("CA1", 0)], none)).toEqual([sent(0, "CA1"), nothing(1)]);
  });
});
