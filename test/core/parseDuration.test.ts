import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/core/parseDuration.js";

describe("parseDuration", () => {
  it.each([
    ["10m", 600_000],
    ["90s", 90_000],
    ["1h", 3_600_000],
    ["2d", 172_800_000],
    ["250ms", 250],
    ["1h30m", 5_400_000],
    ["1.5m", 90_000],
    ["0s", 0],
    ["600", 600_000],
    ["0", 0],
    ["2.5", 2_500],
    [" 10M ", 600_000],
  ])("%j is %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "m", "-5m", "10 m", "10x", "ten minutes", "10m junk", "1e3", "10m-", "m10"])(
    "%j is not a duration",
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});
