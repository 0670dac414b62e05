import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/journal.js";
import { acquireRunLock } from "../../src/journal/runLock.js";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runCli } from "../support/runCli.js";
import {
  closedPort,
  csvList,
  FROM,
  TEST_BACKEND,
  useSendFixture,
} from "../support/simulatorFixture.js";

// Exit codes of retry, report and status as a real process sees them: the simulator in this
// process, the command in a child (`node bin/twilio-bulk.js`, from the fresh dist/).

const fx = useSendFixture();

function cli(sim: RunningSimulator, args: string[], env = fx.env(sim)) {
  return runCli([...args, "--api-url", sim.url], { env });
}

async function rateLimitedRun(sim: RunningSimulator, list = csvList(4)) {
  sim.setOptions({ mps: 1 });
  const sent = await cli(sim, [
    "send",
    fx.file("list.csv", list),
    "--from",
    FROM,
    "--rate",
    "1000",
    "--max-attempts",
    "1",
  ]);
  expect(sent.code).toBe(1);
  sim.setOptions({ mps: null });
}

function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toMatch(/internal error|please report/i);
}

describe("retry exits", () => {
  it("0 when every retried row was sent, and 0 with nothing left to retry", async () => {
    const sim = await fx.simulator();
    await rateLimitedRun(sim);
    const first = await cli(sim, ["retry", "--status", "429", "--rate", "1000"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Retried 3 rows: 3 sent/);
    const second = await cli(sim, ["retry", "--status", "429"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Nothing to retry/);
  });

  it("1 when a retried row failed again, whatever the rows left alone", async () => {
    const sim = await fx.simulator();
    await rateLimitedRun(sim, "to,body\n+12025550100,a\n+15005550001,b\n");
    const result = await cli(sim, ["retry", "--status", "429", "--rate", "1000"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Retried 1 row: 1 failed/);
  });

  it("64 without a selector or with a bad one, naming what to give", async () => {
    const sim = await fx.simulator();
    const none = await cli(sim, ["retry"]);
    expect(none.code).toBe(64);
    expect(none.stderr).toMatch(/say which rows to retry: `--status`, `--code` or `--state`/);
    const bad = await cli(sim, ["retry", "--status", "4xx"]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/`--status` must list HTTP statuses such as 429, got `4xx`/);
    const state = await cli(sim, ["retry", "--state", "sent"]);
    expect(state.code).toBe(64);
    expect(state.stderr).toMatch(/`--state` must be one of failed, pending, in_doubt, got `sent`/);
    expectNoStack(none.stderr + bad.stderr + state.stderr);
  });

  it("66 with no journal or no such run; 78 without credentials", async () => {
    const sim = await fx.simulator();
    const missing = await cli(sim, ["retry", "--status", "429"]);
    expect(missing.code).toBe(66);
    // A PostgreSQL journal is a database the operator made: no file to miss, just no runs in it.
    if (TEST_BACKEND === "postgres")
      expect(missing.stderr).toContain(`the journal ${fx.journalPath()} holds no runs yet`);
    else expect(missing.stderr).toMatch(/no journal at .*journal\.db/);
    await rateLimitedRun(sim);
    const run = await cli(sim, ["retry", "--status", "429", "--run", "nightly"]);
    expect(run.code).toBe(66);
    expect(run.stderr).toMatch(/no run named `nightly`/);
    const noCredentials = await cli(sim, ["retry", "--status", "429"], {
      TWILIO_BULK_JOURNAL: fx.journalPath(),
    });
    expect(noCredentials.code).toBe(78);
    expectNoStack(missing.stderr + run.stderr + noCredentials.stderr);
  });

  it("75 while another process works on the run, sending nothing", async () => {
    const sim = await fx.simulator();
    await rateLimitedRun(sim);
    const creates = sim.creates().length;
    const journal = await Journal.open(fx.journalPath());
    const lock = await acquireRunLock(journal, 1);
    try {
      const result = await cli(sim, ["retry", "--status", "429"]);
      expect(result.code).toBe(75);
      expect(result.stderr).toMatch(/run 1 is being worked on by process \d+/);
      expect(sim.creates().length).toBe(creates);
    } finally {
      await lock.release();
      await journal.close();
    }
  });
});

describe("report exits", () => {
  it("0 with failed rows in the run (a report is not an outcome); 64 and 66 for mistakes", async () => {
    const sim = await fx.simulator();
    const noJournal = await runCli(["report"], { env: fx.env(sim) });
    expect(noJournal.code).toBe(66);
    await rateLimitedRun(sim);
    expect((await runCli(["report"], { env: fx.env(sim) })).code).toBe(0);
    const format = await runCli(["report", "--format", "xlsx"], { env: fx.env(sim) });
    expect(format.code).toBe(64);
    expect(format.stderr).toMatch(/`--format` must be one of table, json, csv, got `xlsx`/);
    const out = await runCli(["report", "--out", join(fx.dir(), "no", "such", "dir.csv")], {
      env: fx.env(sim),
    });
    expect(out.code).toBe(73);
    expectNoStack(noJournal.stderr + format.stderr + out.stderr);
  });
});

describe("status exits", () => {
  it("0 when every message was checked; 75 when Twilio could not be reached", async () => {
    const sim = await fx.simulator();
    await cli(sim, ["send", fx.file("list.csv", csvList(2)), "--from", FROM, "--rate", "1000"]);
    const port = await closedPort();
    const unreachable = await runCli(
      ["status", "--api-url", `http://127.0.0.1:${port}`, "--max-attempts", "1"],
      { env: fx.env(sim) },
    );
    expect(unreachable.code).toBe(75);
    expect(unreachable.stdout).toMatch(/2 messages could not be checked this time/);
    expectNoStack(unreachable.stderr);

    const checked = await cli(sim, ["status"]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/checked 2 messages: 2 queued/);
  });
});
