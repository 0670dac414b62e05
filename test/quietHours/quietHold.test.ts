import { describe, expect, it } from "vitest";
import { openTwilio } from "../../src/commands/openMessenger.js";
import { parseQuietWindow } from "../../src/core/quietHours.js";
import { Journal } from "../../src/journal/journal.js";
import { sendRows } from "../../src/pipeline/sendRows.js";
import { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from "../../src/simulator/simulatorOptions.js";
import { FakeClock } from "../support/fakeClock.js";
import { FROM, useSendFixture } from "../support/simulatorFixture.js";

// The send loop against the simulator, in virtual time: the wall clock of quiet hours is tied
// to the fake clock, so a window can open at a chosen moment of the run.

const fx = useSendFixture();
const WINDOW = parseQuietWindow("21:00-08:00");
if (!WINDOW.ok) throw new Error(WINDOW.reason);
/** 20:59:57 in New York (EST) on 2026-12-01. */
const BEFORE_WINDOW = Date.parse("2026-12-02T01:59:57Z");

async function setUp(zones: (string | null)[]) {
  const sim = await fx.simulator();
  const journal = await Journal.open(fx.journalPath());
  const run = await journal.createRun({
    name: null,
    inputPath: "list.csv",
    inputFormat: "csv",
    options: {},
    identity: "test",
  });
  await journal.insertRows(
    run.id,
    zones.map((zone, idx) => {
      const to = `+1202555${String(1000 + idx)}`;
      return {
        idx,
        line: idx + 2,
        to,
        request: { to, from: FROM, body: `row ${idx}` },
        fields: zone === null ? {} : { timezone: zone },
        dedupeKey: null,
        segments: 1,
        state: "pending" as const,
        reason: null,
      };
    }),
  );
  const api = await openTwilio(
    {
      accountSid: DEFAULT_ACCOUNT_SID,
      username: DEFAULT_ACCOUNT_SID,
      password: DEFAULT_AUTH_TOKEN,
      region: undefined,
      edge: undefined,
    },
    { apiUrl: new URL(sim.url), timeoutMs: 5000, concurrency: 1 },
  );
  return { sim, journal, runId: run.id, api };
}

describe("sendRows with quiet hours", () => {
  it("holds the rows not yet started when the window opens mid-run", async () => {
    const { sim, journal, runId, api } = await setUp([null, null, null, null, null, null]);
    const clock = new FakeClock();
    try {
      // One start a second from 20:59:57: rows at :57, :58, :59 go; from 21:00 the rest wait.
      const result = await sendRows({
        journal,
        rows: journal.rowsInState(runId, "pending"),
        api,
        schedule: { rate: 1, burst: 1, concurrency: 1 },
        retry: { maxAttempts: 1, baseDelayMs: 1000, maxDelayMs: 1000 },
        clock,
        signal: new AbortController().signal,
        quietHours: {
          window: WINDOW.value,
          timeZone: "America/New_York",
          now: () => BEFORE_WINDOW + clock.now(),
        },
      });
      expect(sim.messages()).toHaveLength(3);
      expect(await journal.counts(runId)).toMatchObject({ sent: 3, pending: 3 });
      expect(result.held).toEqual({
        rows: 3,
        resumeAt: Date.parse("2026-12-02T13:00:00Z"),
        localEnd: "08:00",
        timeZone: "America/New_York",
      });
    } finally {
      api.close();
      await journal.close();
    }
  });

  it("skips held rows without taking a rate token, and keeps sending other zones", async () => {
    const zones = [...Array.from({ length: 50 }, () => null), "Asia/Tokyo", "Europe/London"];
    const { sim, journal, runId, api } = await setUp(zones);
    const clock = new FakeClock();
    try {
      const result = await sendRows({
        journal,
        rows: journal.rowsInState(runId, "pending"),
        api,
        schedule: { rate: 1, burst: 1, concurrency: 1 },
        retry: { maxAttempts: 1, baseDelayMs: 1000, maxDelayMs: 1000 },
        clock,
        signal: new AbortController().signal,
        // 23:00 in New York, 13:00 in Tokyo, 04:00 in London: only Tokyo is out of the window.
        quietHours: {
          window: WINDOW.value,
          timeZone: "America/New_York",
          now: () => Date.parse("2026-12-02T04:00:00Z"),
        },
      });
      expect(sim.messages().map((m) => m.to)).toEqual(["+12025551050"]);
      expect(result.attempts).toBe(1);
      // Fifty held rows cost no tokens: at 1/s, taking them would have lasted 50 virtual seconds.
      expect(clock.now()).toBeLessThan(1000);
      expect(result.held).toMatchObject({
        rows: 51,
        resumeAt: Date.parse("2026-12-02T08:00:00Z"),
        timeZone: "Europe/London",
      });
    } finally {
      api.close();
      await journal.close();
    }
  });
});
