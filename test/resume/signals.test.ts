import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runCli, startCli } from "../support/runCli.js";
import {
  csvList,
  FROM,
  queryJournal,
  readJournal,
  useSendFixture,
} from "../support/simulatorFixture.js";

// SIGINT / SIGTERM: stop starting sends, wait for those in flight, journal them, print the
// command that resumes, exit 130 / 143. A second signal leaves at once.

const fx = useSendFixture();

function startSend(args: readonly string[], env: Record<string, string>) {
  return startCli(args, { env: { HOME: fx.dir(), ...env } });
}

async function creates(sim: RunningSimulator, atLeast: number): Promise<void> {
  while (sim.creates().length < atLeast) await new Promise((r) => setTimeout(r, 5));
}

/** The arguments of the `Resume with: twilio-bulk …` line (our temp paths need no quoting). */
function resumeArgs(stdout: string): string[] {
  const line = stdout.split("\n").find((l) => l.startsWith("Resume with: "));
  expect(line, stdout).toBeDefined();
  return line!.slice("Resume with: twilio-bulk ".length).split(" ");
}

function expectNoDuplicates(sim: RunningSimulator): void {
  const keys = sim.messages().map((m) => `${m.to} ${m.body}`);
  expect(new Set(keys).size).toBe(keys.length);
}

describe.each([
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const)("%s", (signal, code) => {
  it(`finishes the requests in flight, exits ${code} and prints the command that resumes`, async () => {
    const sim = await fx.simulator({ latencyMs: 50 });
    const list = fx.file("list.csv", csvList(40));
    const args = ["send", list, "--from", FROM, "--rate", "20", "--api-url", sim.url];
    const { child, exited } = startSend(args, fx.env(sim));
    await creates(sim, 3);
    child.kill(signal);
    const first = await exited;

    expect(first.code, first.stderr).toBe(code);
    expect(first.stderr).toContain(`${signal}: finishing the requests in flight`);
    const after = (await readJournal(fx.journalPath())).rows;
    // Every request that started got its answer journaled: nothing is left in doubt.
    expect(after.filter((r) => r.state === "in_doubt")).toEqual([]);
    const sent = after.filter((r) => r.state === "sent").length;
    expect(sent).toBe(sim.messages().length);
    expect(after.filter((r) => r.state === "pending").length).toBe(40 - sent);
    expect(first.stdout).toContain(`interrupted by ${signal}`);

    const resumed = await runCli(resumeArgs(first.stdout), { env: fx.env(sim) });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`${40 - sent} rows pending`);
    expect((await readJournal(fx.journalPath())).rows.every((r) => r.state === "sent")).toBe(true);
    expect(sim.messages()).toHaveLength(40);
    expectNoDuplicates(sim);
  });
});

describe("a second signal", () => {
  it("exits at once; the requests it left in flight are in doubt on resume, not resent", async () => {
    const sim = await fx.simulator({ latencyMs: 3000 });
    const list = fx.file("list.csv", csvList(20));
    const args = ["send", list, "--from", FROM, "--rate", "50", "--api-url", sim.url];
    const { child, exited } = startSend(args, fx.env(sim));
    await creates(sim, 5);
    child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGINT");
    const first = await exited;
    expect(first.code).toBe(130);
    const inFlight = sim.creates().length;
    expect((await readJournal(fx.journalPath())).rows.filter((r) => r.state === "sent")).toEqual(
      [],
    );

    sim.setOptions({ latencyMs: 0 });
    const resumed = await runCli(args, { env: fx.env(sim) });
    expect(resumed.code, resumed.stderr).toBe(3);
    expect(resumed.stdout).toContain(`${inFlight} rows were in flight`);
    const rows = (await readJournal(fx.journalPath())).rows;
    expect(rows.filter((r) => r.state === "in_doubt")).toHaveLength(inFlight);
    expect(rows.filter((r) => r.state === "sent")).toHaveLength(20 - inFlight);
    expect(sim.creates()).toHaveLength(20);
    expectNoDuplicates(sim);
  });
});

describe("a signal during the pre-flight", () => {
  it("stops reading, keeps no run, sends nothing and exits 143", async () => {
    const sim = await fx.simulator();
    const list = fx.file("big.csv", csvList(100_000));
    const args = ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url];
    const { child, exited } = startSend(args, fx.env(sim));
    // Wait until the pre-flight has journaled some rows, then interrupt it.
    while (!(await preparing(fx.journalPath()))) await new Promise((r) => setTimeout(r, 10));
    child.kill("SIGTERM");
    const result = await exited;

    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toMatch(/during the pre-flight: nothing was sent/);
    expect(result.stderr).not.toMatch(/at .*\.js/);
    expect(sim.creates()).toHaveLength(0);
    expect((await readJournal(fx.journalPath())).rows).toHaveLength(0);
  });
});

async function preparing(journal: string): Promise<boolean> {
  try {
    const [row] = await queryJournal<{ n: number }>(journal, "SELECT count(*) AS n FROM rows");
    return Number(row?.n) > 0;
  } catch {
    return false; // not created yet, or not migrated yet
  }
}
