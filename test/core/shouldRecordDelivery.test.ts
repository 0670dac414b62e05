import { describe, expect, it } from "vitest";
import { shouldRecordDelivery } from "../../src/core/shouldRecordDelivery.js";

describe("shouldRecordDelivery", () => {
  it.each([
    // [journal holds, heard now, recorded?]
    [null, "queued", true],
    [null, "delivered", true],
    ["queued", "sent", true],
    ["sending", "sent", true],
    ["sent", "delivered", true],
    ["sent", "undelivered", true],
    ["queued", "failed", true],
    ["accepted", "queued", true],
    ["sent", "sent", true],
    ["sent", "queued", false],
    ["sent", "sending", false],
    ["delivered", "sent", false],
    ["delivered", "queued", false],
    ["undelivered", "sent", false],
    ["failed", "sending", false],
    ["delivered", "undelivered", false],
    ["undelivered", "delivered", false],
    ["delivered", "read", true],
    ["read", "delivered", false],
    ["canceled", "sent", false],
    ["sent", "something_new", false],
    ["something_old", "sent", true],
  ] as const)("%s, then %s → %s", (current, incoming, expected) => {
    expect(shouldRecordDelivery(current, incoming)).toBe(expected);
  });
});
