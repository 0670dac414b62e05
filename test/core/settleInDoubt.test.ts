import { describe, expect, it } from "vitest";
import { settleInDoubt } from "../../src/core/settleInDoubt.js";

const MIN = 60_000;
const context = { lastAttemptAt: 0, nowMs: 11 * MIN, graceMs: 10 * MIN, listComplete: true };
const none = { idx: 0, sid: null, duplicates: [] };

describe("settleInDoubt", () => {
  it.each([
    ["found once → sent", { idx: 0, sid: "SM1", duplicates: [] }, context, "sent"],
    ["found several times → sent", { idx: 0, sid: "SM1", duplicates: ["SM2"] }, context, "sent"],
    [
      "found, even within the grace period → sent",
      { idx: 0, sid: "SM1", duplicates: [] },
      { ...context, nowMs: 1000 },
      "sent",
    ],
    ["not found, attempted longer ago than the grace → pending", none, context, "pending"],
    [
      "not found, attempted exactly the grace ago → pending",
      none,
      { ...context, nowMs: 10 * MIN },
      "pending",
    ],
    [
      "not found, attempted within the grace → in doubt",
      none,
      { ...context, nowMs: 9 * MIN },
      "in_doubt",
    ],
    [
      "not found with a grace of 0 → pending",
      none,
      { ...context, nowMs: 0, graceMs: 0 },
      "pending",
    ],
    [
      "not found in a list cut short → in doubt",
      none,
      { ...context, listComplete: false },
      "in_doubt",
    ],
  ] as const)("%s", (_title, match, ctx, state) => {
    expect(settleInDoubt({ ...match, duplicates: [...match.duplicates] }, ctx).state).toBe(state);
  });

  it("keeps the duplicates of a row found several times", () => {
    expect(settleInDoubt({ idx: 0, sid: "SM1", duplicates: ["SM2", "SM3"] }, context)).toEqual({
      state: "sent",
      sid: "SM1",
      duplicates: ["SM2", "SM3"],
    });
  });
});
