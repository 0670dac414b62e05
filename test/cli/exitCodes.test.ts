import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runCli } from "../support/runCli.js";
import { csvList, FROM, readJournal, useSendFixture } from "../support/simulatorFixture.js";

// Each exit code of `send` as a real process sees it (130/143 are the signal tests'), with the
// simulator in this process and the command in a child.

const fx = useSendFixture();

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/input/${name}`, import.meta.url));

function send(sim: RunningSimulator, list: string, extra: string[] = [], env = fx.env(sim)) {
  return runCli(["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url, ...extra], {
    env,
  });
}

/** No stack trace, no "please report": the user's mistake is not a bug. */
function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toMatch(/internal error|please report/i);
}

describe("send exits", () => {
  it("0 when every row was sent or skipped", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", `${csvList(2)}+12025551000,Name0,hello\n`);
    const result = await send(sim, list);

    expect(result.code).toBe(0);
    expect((await readJournal(fx.journalPath())).rows.map((r) => r.state)).toEqual([
      "sent",
      "sent",
      "skipped",
    ]);
  });

  it("1 when a row failed or was invalid", async () => {
    const sim = await fx.simulator();
    const list = fx.file(
      "list.csv",
      "to,body\n+12025550100,hi\n+15005550001,hi\nnot a number,hi\n",
    );
    const result = await send(sim, list);

    expect(result.code).toBe(1);
    expect((await readJournal(fx.journalPath())).rows.map((r) => r.state)).toEqual([
      "sent",
      "failed",
      "invalid",
    ]);
  });

  it("3 when a row is in doubt", async () => {
    const sim = await fx.simulator({ serverErrorRate: 1 });
    const result = await send(sim, fx.file("list.csv", csvList(1)));

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/reconcile/);
  });

  it("64 on a bad flag, naming it, what it must be and what it got", async () => {
    const result = await runCli(["send", "list.csv", "--rate", "abc"], { cwd: fx.dir() });

    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/`--rate` must be a number > 0 .*got `abc`/);
    expectNoStack(result.stderr);
  });

  it("64 on an unknown option", async () => {
    const result = await runCli(["send", "list.csv", "--rat", "5"], { cwd: fx.dir() });

    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/--rat/);
  });

  it("66 when the input file does not exist", async () => {
    const sim = await fx.simulator();
    const result = await send(sim, "missing.csv", [], fx.env(sim));

    expect(result.code).toBe(66);
    expect(result.stderr).toMatch(/missing\.csv/);
    expectNoStack(result.stderr);
    expect(sim.creates()).toHaveLength(0);
  });

  it("77 when Twilio refuses the credentials", async () => {
    const sim = await fx.simulator();
    const env = fx.env(sim, { TWILIO_AUTH_TOKEN: "wrong-token" });
    const result = await send(sim, fx.file("list.csv", csvList(3)), ["--concurrency", "1"], env);

    expect(result.code).toBe(77);
    expect(result.stderr).toMatch(/20003/);
    expect(result.stderr).toContain("To do: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN,");
    expectNoStack(result.stderr);
  });

  it("78 when Twilio will not send from the sender", async () => {
    const sim = await fx.simulator();
    const result = await runCli(
      ["send", fx.file("list.csv", csvList(3)), "--from", "+15005550001", "--api-url", sim.url],
      { env: fx.env(sim) },
    );

    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/21212/);
    expectNoStack(result.stderr);
  });

  it.each([
    ["TWILIO_ACCOUNT_SID", { TWILIO_ACCOUNT_SID: undefined }],
    ["TWILIO_AUTH_TOKEN", { TWILIO_AUTH_TOKEN: undefined }],
  ])(
    "78 when %s is missing, naming the variables, before reading anything",
    async (name, unset) => {
      const sim = await fx.simulator();
      const result = await send(sim, fx.file("list.csv", csvList(1)), [], fx.env(sim, unset));

      expect(result.code).toBe(78);
      expect(result.stderr).toContain(name);
      expect(result.stderr).toMatch(/TWILIO_ACCOUNT_SID.*TWILIO_AUTH_TOKEN/s);
      expectNoStack(result.stderr);
      expect(sim.creates()).toHaveLength(0);
    },
  );
});

describe("send exits 65 on a problem with the file itself, before sending anything", () => {
  it.each([
    ["an unclosed quote", fixture("unclosed-quote.csv"), /unclosed-quote\.csv:3: .*never closed/],
    ["no to column", fixture("no-to-column.csv"), /no-to-column\.csv:1: no `to` column/],
    ["a repeated column name", fixture("duplicate-header.csv"), /duplicate-header\.csv:1: .*twice/],
    ["a JSON syntax error", fixture("syntax-error.json"), /syntax-error\.json:3:25: /],
  ])("%s", async (_what, list, message) => {
    const sim = await fx.simulator();
    const result = await send(sim, list);

    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(message);
    expectNoStack(result.stderr);
    expect(sim.creates()).toHaveLength(0);
  });

  it("a file that is not UTF-8, naming the line and column of the bad byte", async () => {
    const sim = await fx.simulator();
    const list = fx.file("latin1.csv", Buffer.from("to,body\n+12025550100,caf\xe9\n", "latin1"));
    const result = await send(sim, list);

    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/latin1\.csv:2:\d+: not valid UTF-8/);
    expectNoStack(result.stderr);
    expect(sim.creates()).toHaveLength(0);
  });

  it("a problem deep in the file: rows before it are not sent either", async () => {
    const sim = await fx.simulator();
    const list = fx.file("late.csv", `${csvList(50)}+12025559999,"never closed\n`);
    const result = await send(sim, list);

    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/late\.csv:52: /);
    expect(sim.creates()).toHaveLength(0);
  });
});
