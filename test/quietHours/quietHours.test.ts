import { describe, expect, it, vi } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { FakeClock } from "../support/fakeClock.js";
import { runCli, runInProcess } from "../support/runCli.js";
import { FROM, queryJournal, useSendFixture } from "../support/simulatorFixture.js";

// Quiet hours as a cron job meets them: a child process, the simulator, the real clock. The
// windows are placed around the real time (an hour either side of now in New York), so no
// clock hook is needed: a window around now holds New York rows, one later today does not.

const fx = useSendFixture();
const NY = "America/New_York";
const MINUTE = 60_000;

/** Minutes after midnight, New York time, now. */
function minuteInNewYork(at: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: NY,
    hourCycle: "h23",
    hour: "numeric",
    minute: "numeric",
  }).formatToParts(new Date(at));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return part("hour") * 60 + part("minute");
}

function hhmm(minute: number): string {
  const m = ((minute % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

// Tokyo is 13 or 14 hours ahead of New York: far outside a window of an hour either side.
const LIST = [
  "to,body,timezone",
  "+12025550101,ny by default,",
  "+12025550102,ny by name,America/New_York",
  "+12025550103,tokyo,Asia/Tokyo",
  "+12025550104,nowhere,Mars/Olympus_Mons",
].join("\n");

function send(sim: RunningSimulator, list: string, window: string, extra: string[] = []) {
  return runCli(
    [
      "send",
      list,
      "--from",
      FROM,
      "--rate",
      "100",
      "--quiet-hours",
      window,
      "--timezone",
      NY,
      "--api-url",
      sim.url,
      ...extra,
    ],
    { env: fx.env(sim) },
  );
}

describe("send --quiet-hours", () => {
  it("holds the rows inside the window, sends the others, exits 4 saying when to resume, and a later run sends them", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", `${LIST}\n`);
    const now = Date.now();
    const local = minuteInNewYork(now);
    const around = `${hhmm(local - 60)}-${hhmm(local + 60)}`;
    const resumeAt = new Date(Math.floor(now / MINUTE) * MINUTE + 60 * MINUTE).toISOString();

    const first = await send(sim, list, around, ["--json"]);
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(4);
    const summary = JSON.parse(first.stdout) as {
      counts: object;
      quietHours: object;
      stoppedBy: string;
      resume: string;
    };
    expect(summary.counts).toMatchObject({ sent: 1, pending: 2, invalid: 1 });
    expect(summary.quietHours).toEqual({
      window: around,
      held: 2,
      resumeAt,
      resumeAtLocal: hhmm(local + 60),
      timeZone: NY,
    });
    expect(summary.stoppedBy).toContain(`${resumeAt} (${hhmm(local + 60)} ${NY})`);
    expect(summary.resume).toContain("--quiet-hours");
    expect(sim.messages().map((m) => m.to)).toEqual(["+12025550103"]);

    const invalid = await queryJournal<{ line: number; reason: string }>(
      fx.journalPath(),
      "SELECT line, reason FROM rows WHERE state = 'invalid'",
    );
    expect(invalid).toEqual([{ line: 5, reason: expect.stringMatching(/Mars\/Olympus_Mons/) }]);

    // The text output says the same to a person reading cron's mail.
    const again = await send(sim, list, around);
    expect(again.code).toBe(4);
    expect(again.stdout).toContain(
      `quiet hours (${around}): 2 rows held, pending; the earliest can be sent from ${resumeAt} (${hhmm(local + 60)} ${NY})`,
    );
    expect(sim.messages()).toHaveLength(1);

    // Quiet hours are not part of the run: the same list, once the window is over, resumes it.
    const later = `${hhmm(local + 120)}-${hhmm(local + 180)}`;
    const after = await send(sim, list, later);
    expect(after.code).toBe(1); // the invalid row, now that the run is over
    expect(after.stdout).toMatch(/Resuming run/);
    expect(
      sim
        .messages()
        .map((m) => m.to)
        .sort(),
    ).toEqual(["+12025550101", "+12025550102", "+12025550103"]);
  });

  it("holds retried rows the same way", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", "to,body\n+12025550101,a\n+12025550102,b\n");
    const local = minuteInNewYork(Date.now());
    const around = `${hhmm(local - 60)}-${hhmm(local + 60)}`;
    expect((await send(sim, list, around)).code).toBe(4);
    const retry = (window: string) =>
      runCli(["retry", "--state", "pending", "--quiet-hours", window, "--timezone", NY], {
        env: { ...fx.env(sim), TWILIO_BULK_API_URL: sim.url },
      });
    const held = await retry(around);
    expect(held.code).toBe(4);
    expect(held.stdout).toMatch(/2 rows held/);
    expect(sim.messages()).toHaveLength(0);
    const sent = await retry(`${hhmm(local + 120)}-${hhmm(local + 180)}`);
    expect(sent.code).toBe(0);
    expect(sim.messages()).toHaveLength(2);
  });

  it.each([
    [["--quiet-hours", "9pm-8am", "--timezone", NY], "`9pm-8am`"],
    [["--quiet-hours", "21:00-08:00", "--timezone", "Eastern"], "`Eastern`"],
    [["--quiet-hours", "21:00-08:00"], "needs `--timezone`"],
    [["--timezone", NY], "only with `--quiet-hours`"],
  ])("exits 64 for %j, naming the value", async (flags, named) => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", "to,body\n+12025550101,a\n");
    const result = await runCli(["send", list, "--from", FROM, ...flags, "--api-url", sim.url], {
      env: fx.env(sim),
    });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(named);
    expect(sim.messages()).toHaveLength(0);
  });
});

describe("send --wait-quiet-hours", () => {
  it("sleeps until the window ends, then sends the held rows and exits 0", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", "to,body\n+12025550101,a\n+12025550102,b\n");
    // Virtual time from 07:59:58 in New York: the window ends two seconds in.
    const clock = new FakeClock();
    const start = Date.parse("2026-12-02T12:59:58Z");
    const result = await runInProcess(
      [
        "send",
        list,
        "--from",
        FROM,
        "--quiet-hours",
        "21:00-08:00",
        "--timezone",
        NY,
        "--wait-quiet-hours",
        "--api-url",
        sim.url,
      ],
      { env: fx.env(sim), clock, wallClock: () => start + clock.now() },
    );
    expect(result.stderr).toContain(
      `quiet hours: 2 rows held; waiting until 2026-12-02T13:00:00.000Z (08:00 ${NY})`,
    );
    expect(result.code).toBe(0);
    expect(sim.messages()).toHaveLength(2);
    expect(clock.now()).toBeGreaterThanOrEqual(2000);
  });

  it("a signal while waiting keeps the rows pending and exits 130", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", "to,body\n+12025550101,a\n");
    const stop = new AbortController();
    const clock = new FakeClock({ autoAdvance: false });
    const running = runInProcess(
      [
        "send",
        list,
        "--from",
        FROM,
        "--quiet-hours",
        "21:00-08:00",
        "--timezone",
        NY,
        "--wait-quiet-hours",
        "--api-url",
        sim.url,
      ],
      {
        env: fx.env(sim),
        clock,
        wallClock: () => Date.parse("2026-12-02T03:00:00Z"),
        signal: stop.signal,
      },
    );
    await vi.waitFor(() => expect(clock.pending).toBeGreaterThan(0));
    stop.abort("SIGINT");
    const result = await running;
    expect(result.stderr).toContain("waiting until 2026-12-02T13:00:00.000Z");
    expect(result.code).toBe(130);
    expect(sim.messages()).toHaveLength(0);
  });
});
