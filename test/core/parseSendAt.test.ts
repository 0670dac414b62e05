import { describe, expect, it } from "vitest";
import { parseSendAt } from "../../src/core/parseSendAt.js";

const NOW = new Date("2030-01-01T12:00:00Z");

describe("parseSendAt", () => {
  it.each([
    ["2030-01-01T12:05:00Z", "2030-01-01T12:05:00Z"],
    ["2030-01-01T13:05+01:00", "2030-01-01T12:05:00Z"],
    ["2030-01-01T07:05:00-0500", "2030-01-01T12:05:00Z"],
    ["2030-01-01T12:10:00.250Z", "2030-01-01T12:10:00.250Z"],
    ["2030-02-05T12:00:00Z", "2030-02-05T12:00:00Z"],
  ])("accepts %s as %s", (value, iso) => {
    expect(parseSendAt(value, NOW)).toEqual({ ok: true, iso });
  });

  it.each([
    ["2030-01-02T12:00:00", /with a zone/],
    ["2030-01-02", /with a zone/],
    ["next tuesday", /ISO 8601/],
    ["2030-02-30T12:00:00Z", /ISO 8601/],
    ["2030-13-01T12:00:00Z", /ISO 8601/],
    ["2030-01-01T12:04:59Z", /only 299 s ahead/],
    ["2029-12-31T12:00:00Z", /in the past/],
    ["2030-02-05T12:00:01Z", /35 days ahead/],
  ])("rejects %s", (value, reason) => {
    const result = parseSendAt(value, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
