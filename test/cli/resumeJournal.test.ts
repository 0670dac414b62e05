import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import type { RunSummary } from "../../src/ui/runSummary.js";
import { runInProcess } from "../support/runCli.js";
import { csvList, FROM, readJournal, useSendFixture } from "../support/simulatorFixture.js";

// A printed resume command acts on the journal the run is in: `--journal <path>` is added
// whenever that journal is not the one the command would open by itself.

const fx = useSendFixture();

/** A stdin send at 2/s, interrupted once its first create reached the simulator: rows stay pending. */
async function interruptedStdinSend(
  sim: RunningSimulator,
  env: Record<string, string>,
  extra: string[],
  rows: number,
) {
  const controller = new AbortController();
  const args = [
    "send",
    "-",
    "--format",
    "csv",
    "--from",
    FROM,
    "--rate",
    "2",
    "--api-url",
    sim.url,
  ];
  const running = runInProcess([...args, ...extra, "--json"], {
    env,
    stdin: csvList(rows),
    signal: controller.signal,
  });
  while (sim.creates().length < 1) await new Promise((r) => setTimeout(r, 5));
  controller.abort("SIGINT");
  const result = await running;
  expect(result.code, result.stderr).toBe(130);
  return JSON.parse(result.stdout) as RunSummary;
}

describe("the resume command of an interrupted stdin send", () => {
  it("names --journal when the journal was given with --journal, and it works", async () => {
    const sim = await fx.simulator();
    const journal = join(fx.dir(), "elsewhere", "my journal.db");
    const env = fx.env(sim, { TWILIO_BULK_JOURNAL: undefined, XDG_STATE_HOME: fx.dir() });
    const summary = await interruptedStdinSend(sim, env, ["--journal", journal], 10);
    expect(summary.resume).toBe(`twilio-bulk retry --state pending --run 1 --journal '${journal}'`);

    // The printed command, as a shell would split it, finishes the run in that journal.
    const resumeArgs = ["retry", "--state", "pending", "--run", "1", "--journal", journal];
    const resumed = await runInProcess([...resumeArgs, "--rate", "1000", "--api-url", sim.url], {
      env,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await readJournal(journal)).rows.map((r) => r.state)).toEqual(Array(10).fill("sent"));
  });

  it.each([
    ["the default journal", { TWILIO_BULK_JOURNAL: undefined }],
    ["TWILIO_BULK_JOURNAL's journal", {}],
  ])("leaves --journal out for %s", async (_, extra) => {
    const sim = await fx.simulator();
    const env = fx.env(sim, { XDG_STATE_HOME: fx.dir(), ...extra });
    const summary = await interruptedStdinSend(sim, env, [], 10);
    expect(summary.resume).toBe("twilio-bulk retry --state pending --run 1");
  });
});

describe("the resume command reconcile prints", () => {
  it("names --journal when the journal is not the default one", async () => {
    const sim = await fx.simulator({ resetRate: 1 });
    const journal = join(fx.dir(), "other.db");
    const env = fx.env(sim, { TWILIO_BULK_JOURNAL: undefined, XDG_STATE_HOME: fx.dir() });
    const list = fx.file("list.csv", csvList(2));
    const sent = await runInProcess(
      ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url, "--journal", journal],
      { env },
    );
    expect(sent.code, sent.stderr).toBe(3);
    // Old enough attempts that reconcile, finding nothing, puts the rows back to pending.
    const db = new Database(journal);
    db.prepare("UPDATE attempts SET started_at = started_at - ?").run(3_600_000);
    db.close();
    sim.setOptions({ resetRate: 0 });

    const result = await runInProcess(
      ["reconcile", "--api-url", sim.url, "--journal", journal, "--json"],
      { env },
    );
    expect(result.code, result.stderr).toBe(1);
    expect((JSON.parse(result.stdout) as RunSummary).resume).toBe(
      `twilio-bulk retry --state pending --run 1 --journal ${journal}`,
    );
  });
});
