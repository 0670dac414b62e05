import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { FakeClock } from "../support/fakeClock.js";
import { runCli, runInProcess } from "../support/runCli.js";
import { csvList, FROM, useSendFixture } from "../support/simulatorFixture.js";

// What `send` prints: the --json summary for scripts, plain log lines off a terminal, and no
// colour where colour is not wanted.

const fx = useSendFixture();
const ANSI = /\u001b\[/;

function args(sim: RunningSimulator, list: string, extra: string[] = []): string[] {
  return ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url, ...extra];
}

describe("send --json", () => {
  it("prints one parseable summary on stdout and nothing else", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", "to,body\n+12025550100,hi\n+15005550001,hi\nnope,hi\n");
    const result = await runCli(args(sim, list, ["--json"]), { env: fx.env(sim) });

    expect(result.code).toBe(1);
    const lines = result.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    expect(summary).toMatchObject({
      run: { id: 1, name: null, input: list, phase: "finished" },
      counts: { sent: 1, failed: 1, invalid: 1, skipped: 0, in_doubt: 0, pending: 0 },
      plan: { rows: 3, valid: 2, invalid: 1, skipped: 0 },
      attempts: 2,
      exitCode: 1,
      stoppedBy: null,
      resume: null,
    });
    expect(Object.keys(summary.counts).sort()).toEqual(
      ["failed", "in_doubt", "invalid", "pending", "sent", "skipped"].sort(),
    );
    expect(result.stdout).not.toMatch(ANSI);
  });

  it("still prints only JSON when the run stops early, with the way to resume", async () => {
    const sim = await fx.simulator();
    const env = fx.env(sim, { TWILIO_AUTH_TOKEN: "wrong-token" });
    const list = fx.file("list.csv", csvList(3));
    const result = await runCli(args(sim, list, ["--json", "--concurrency", "1"]), { env });

    expect(result.code).toBe(77);
    const summary = JSON.parse(result.stdout);
    expect(summary.counts.pending).toBe(3);
    expect(summary.exitCode).toBe(77);
    expect(summary.stoppedBy).toMatch(/20003/);
    expect(summary.resume).toMatch(/^twilio-bulk send /);
  });
});

describe("off a terminal", () => {
  it("writes no carriage returns or colours to either stream", async () => {
    const sim = await fx.simulator();
    const result = await runCli(args(sim, fx.file("list.csv", csvList(3))), { env: fx.env(sim) });

    expect(result.code).toBe(0);
    for (const text of [result.stdout, result.stderr]) {
      expect(text).not.toContain("\r");
      expect(text).not.toMatch(ANSI);
    }
  });

  it("logs progress to stderr as plain lines", async () => {
    // Virtual time: at 1/s the run lasts 11 s, long enough for the 5-second log lines, and
    // takes a few milliseconds.
    const sim = await fx.simulator();
    const result = await runInProcess(
      ["send", fx.file("list.csv", csvList(12)), "--from", FROM, "--api-url", sim.url],
      { env: fx.env(sim), clock: new FakeClock({ startMs: 1_000_000 }) },
    );

    expect(result.code).toBe(0);
    const lines = result.stderr.split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line).toMatch(/^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] sending \d+\/12: sent \d+, failed 0/);
    }
    expect(result.stderr).not.toContain("\r");
    expect(result.stderr).not.toMatch(ANSI);
  });
});

describe("the summary's colours", () => {
  it("are used on a terminal", async () => {
    const sim = await fx.simulator();
    const result = await runInProcess(args(sim, fx.file("list.csv", csvList(1))), {
      env: fx.env(sim),
      stdoutIsTTY: true,
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(ANSI);
  });

  it.each([
    ["NO_COLOR=1", { NO_COLOR: "1" }],
    ["TERM=dumb", { TERM: "dumb" }],
  ])("are not used on a terminal with %s", async (_name, extra) => {
    const sim = await fx.simulator();
    const result = await runInProcess(args(sim, fx.file("list.csv", csvList(1))), {
      env: fx.env(sim, extra),
      stdoutIsTTY: true,
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/sent\s+1/);
    expect(result.stdout).not.toMatch(ANSI);
  });
});
