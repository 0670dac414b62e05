import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { runInProcess, startCli } from "../support/runCli.js";
import { csvList, FROM, useSendFixture } from "../support/simulatorFixture.js";

// `twilio-bulk runs`: every run of the journal with its counts, as a table or as JSON.

const fx = useSendFixture();

describe("twilio-bulk runs", () => {
  it("lists each run: id, name, input, phase, when, and its counts", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", `${csvList(3)}not-a-number,x,y\n`);
    const send = ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url];
    await runInProcess([...send, "--run", "monday"], { env: fx.env(sim) });
    await runInProcess(["send", "-", "--format", "csv", ...send.slice(2)], {
      env: fx.env(sim),
      stdin: csvList(2),
    });

    const json = await runInProcess(["runs", "--json", "--journal", fx.journalPath()]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        id: 1,
        name: "monday",
        input: list,
        phase: "finished",
        createdAt: expect.any(String),
        startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        totalRows: 4,
        counts: { pending: 0, sent: 3, failed: 0, invalid: 1, skipped: 0, in_doubt: 0 },
        workers: [],
      },
      expect.objectContaining({
        id: 2,
        name: null,
        input: "-",
        totalRows: 2,
        counts: expect.objectContaining({ sent: 2 }),
      }),
    ]);

    const table = await runInProcess(["runs"], { env: { TWILIO_BULK_JOURNAL: fx.journalPath() } });
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+INPUT\s+PHASE\s+STARTED\s+FINISHED\s+ROWS\s+SENT/);
    expect(lines[1]).toMatch(/^ 1\s+monday\s+\S+list\.csv\s+finished\s+\d{4}-\d\d-\d\d [\d:]+Z/);
    expect(lines[1]).toMatch(/\s4\s+3\s+0\s+1\s+0\s+0\s+0$/);
    expect(lines[2]).toMatch(/^ 2\s+-\s+<stdin>\s+finished/);
  });

  it("shows the process working on a run: host, pid, since, heartbeat, rows done", async () => {
    const sim = await fx.simulator({ latencyMs: 20 });
    const list = fx.file("list.csv", csvList(40));
    const sender = startCli(
      ["send", list, "--from", FROM, "--rate", "10", "--api-url", sim.url, "--run", "slow"],
      { env: fx.env(sim) },
    );
    try {
      type Listed = { workers: { host: string; pid: number; rowsDone: number }[] }[];
      let listed: Listed = [];
      const deadline = Date.now() + 20_000;
      // Until the sender holds the run and has finished a few requests.
      while (Date.now() < deadline && !((listed[0]?.workers[0]?.rowsDone ?? 0) >= 3)) {
        const json = await runInProcess(["runs", "--json", "--journal", fx.journalPath()]);
        if (json.code === 0) listed = JSON.parse(json.stdout) as Listed;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(listed[0]!.workers).toEqual([
        {
          host: hostname(),
          pid: sender.child.pid,
          since: expect.stringMatching(/^\d{4}-/),
          heartbeatAt: expect.stringMatching(/^\d{4}-/),
          rowsDone: expect.any(Number),
        },
      ]);
      const table = await runInProcess(["runs", "--journal", fx.journalPath()]);
      expect(table.stdout).toMatch(
        new RegExp(
          `\\n {4}worked on by pid ${sender.child.pid} on \\S+ since [\\d-]+ [\\d:]+Z, last heartbeat \\d+ s ago, \\d+ rows done\\n`,
        ),
      );
    } finally {
      sender.child.kill("SIGKILL");
      await sender.exited;
    }
  });

  it("says there are no runs, without creating a journal", async () => {
    const path = `${fx.dir()}/none.db`;
    const text = await runInProcess(["runs", "--journal", path]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`No runs yet: there is no journal at ${path}.\n`);
    expect((await runInProcess(["runs", "--json", "--journal", path])).stdout).toBe("[]\n");
    expect(existsSync(path)).toBe(false);
  });
});
