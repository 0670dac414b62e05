import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runInProcess } from "../support/runCli.js";
import {
  closedPort,
  csvList,
  FROM,
  readJournal,
  useSendFixture,
} from "../support/simulatorFixture.js";

// Which answers stop a run and how many attempts a command makes: both are about the run as a
// whole versus one row.

const fx = useSendFixture();

function run(sim: RunningSimulator, args: string[]) {
  return runInProcess([...args, "--api-url", sim.url], { env: fx.env(sim) });
}

describe("an unusable sender", () => {
  it("fails only its row when the sender is the row's own from column", async () => {
    const sim = await fx.simulator();
    const list = fx.file(
      "list.csv",
      "to,from,body\n+12025550100,+15005550001,a\n+12025550101,,b\n+12025550102,,c\n",
    );
    const result = await run(sim, ["send", list, "--from", FROM, "--rate", "1000"]);

    expect(result.code).toBe(1);
    const { rows } = await readJournal(fx.journalPath());
    expect(rows.map((r) => [r.state, r.error_code])).toEqual([
      ["failed", 21212],
      ["sent", null],
      ["sent", null],
    ]);
  });

  it("stops the run when it is the run's --from (exit 78, the rest pending)", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(3));
    const result = await run(sim, [
      "send",
      list,
      "--from",
      "+15005550001",
      "--rate",
      "1000",
      "--concurrency",
      "1",
    ]);

    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/21212/);
    const { rows } = await readJournal(fx.journalPath());
    expect(rows.map((r) => r.state)).toEqual(["pending", "pending", "pending"]);
  });
});

describe("--max-attempts", () => {
  it("counts the attempts of each command afresh", async () => {
    // A refused connection is retried in the run (never processed), deterministically.
    const sim = await fx.simulator();
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const env = fx.env(sim);
    const list = fx.file("list.csv", csvList(2));
    const args = ["--rate", "1000", "--max-attempts", "2", "--api-url", refused];
    const first = await runInProcess(["send", list, "--from", FROM, ...args], { env });
    expect(first.code).toBe(1);
    const again = await runInProcess(["retry", "--state", "failed", ...args], { env });
    expect(again.code).toBe(1);

    const { rows, attempts } = await readJournal(fx.journalPath());
    expect(rows.map((r) => r.state)).toEqual(["failed", "failed"]);
    for (const row of rows) {
      // Two by send, two more by retry: not one, as a count carried over would allow.
      expect(attempts.filter((a) => a.row_idx === row.idx)).toHaveLength(4);
    }
  });
});
