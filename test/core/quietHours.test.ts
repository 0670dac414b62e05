import { describe, expect, it } from "vitest";
import {
  decideQuietHours,
  isTimeZone,
  parseQuietWindow,
  type QuietWindow,
  timeZoneProblem,
} from "../../src/core/quietHours.js";

function window(text: string): QuietWindow {
  const parsed = parseQuietWindow(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

const NY = "America/New_York";

describe("decideQuietHours", () => {
  // [case, window, zone, now (UTC), held until (UTC) or null, local end]
  it.each<[string, string, string, string, string | null, string?]>([
    [
      "the window's first minute",
      "21:00-08:00",
      NY,
      "2026-12-02T02:00:00Z",
      "2026-12-02T13:00:00Z",
      "08:00",
    ],
    ["just before it", "21:00-08:00", NY, "2026-12-02T01:59:59Z", null],
    ["past midnight", "21:00-08:00", NY, "2026-12-02T08:00:00Z", "2026-12-02T13:00:00Z", "08:00"],
    ["the last second", "21:00-08:00", NY, "2026-12-02T12:59:59Z", "2026-12-02T13:00:00Z", "08:00"],
    ["the end is out", "21:00-08:00", NY, "2026-12-02T13:00:00Z", null],
    ["daytime", "21:00-08:00", NY, "2026-12-02T17:00:00Z", null],
    [
      "spring forward: 01:00 EST, ends 08:00 EDT",
      "21:00-08:00",
      NY,
      "2026-03-08T06:00:00Z",
      "2026-03-08T12:00:00Z",
      "08:00",
    ],
    [
      "spring forward: 21:00 EDT that evening",
      "21:00-08:00",
      NY,
      "2026-03-09T01:00:00Z",
      "2026-03-09T12:00:00Z",
      "08:00",
    ],
    ["the evening before: 20:00 EST", "21:00-08:00", NY, "2026-03-08T01:00:00Z", null],
    [
      "fall back: 01:30 EDT, ends 08:00 EST",
      "21:00-08:00",
      NY,
      "2026-11-01T05:30:00Z",
      "2026-11-01T13:00:00Z",
      "08:00",
    ],
    [
      "an end inside the skipped hour ends at the jump",
      "22:00-02:30",
      NY,
      "2026-03-08T06:00:00Z",
      "2026-03-08T07:00:00Z",
      "03:00",
    ],
    [
      "another zone, same instant: London at 02:00",
      "21:00-08:00",
      "Europe/London",
      "2026-12-02T02:00:00Z",
      "2026-12-02T08:00:00Z",
      "08:00",
    ],
    [
      "another zone, same instant: Tokyo at 11:00",
      "21:00-08:00",
      "Asia/Tokyo",
      "2026-12-02T02:00:00Z",
      null,
    ],
    [
      "a half-hour offset: Kolkata at 21:00",
      "21:00-08:00",
      "Asia/Kolkata",
      "2026-12-02T15:30:00Z",
      "2026-12-03T02:30:00Z",
      "08:00",
    ],
    [
      "a window within one day",
      "12:00-13:00",
      "UTC",
      "2026-12-02T12:30:00Z",
      "2026-12-02T13:00:00Z",
      "13:00",
    ],
    ["outside a window within one day", "12:00-13:00", "UTC", "2026-12-02T11:59:00Z", null],
  ])("%s", (_name, text, zone, now, until, localEnd) => {
    const decision = decideQuietHours(window(text), zone, Date.parse(now));
    if (until === null) expect(decision).toEqual({ held: false });
    else expect(decision).toEqual({ held: true, endsAt: Date.parse(until), localEnd });
  });
});

describe("parseQuietWindow", () => {
  it.each([
    ["21:00-08:00", 1260, 480],
    ["9:30-17:00", 570, 1020],
    [" 00:00-06:00 ", 0, 360],
  ])("%s", (text, startMinute, endMinute) => {
    expect(parseQuietWindow(text)).toMatchObject({ ok: true, value: { startMinute, endMinute } });
  });

  it.each(["21-8", "24:00-08:00", "21:00", "21:00-08:60", "08:00-08:00", "9pm-8am", ""])(
    "refuses %j",
    (text) => {
      expect(parseQuietWindow(text).ok).toBe(false);
    },
  );
});

describe("isTimeZone", () => {
  it.each([
    [NY, true],
    ["Europe/London", true],
    ["UTC", true],
    ["Mars/Olympus_Mons", false],
    ["", false],
    ["New York", false],
  ])("%s → %s", (zone, known) => {
    expect(isTimeZone(zone)).toBe(known);
  });
});

describe("timeZoneProblem (a row's timezone column)", () => {
  it.each<[Record<string, string | string[]>, string | null]>([
    [{}, null],
    [{ timezone: "" }, null],
    [{ timezone: " Europe/Paris " }, null],
    [
      { timezone: "Eastern" },
      "timezone `Eastern` is not an IANA time zone (e.g. America/New_York)",
    ],
    [{ timezone: ["UTC", "UTC"] }, "`timezone` must be a single value, not a list"],
  ])("%j → %s", (fields, problem) => {
    expect(timeZoneProblem(fields)).toBe(problem);
  });
});
