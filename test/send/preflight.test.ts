import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runInProcess } from "../support/runCli.js";
import { byRecipient, FROM, readJournal, useSendFixture } from "../support/simulatorFixture.js";

// The pre-flight pass and its plan, through `send`: what is counted valid, invalid and skipped,
// what --dry-run leaves behind, and bodies rendered from the --body template.

const fx = useSendFixture();

const LONG = "x".repeat(1601);
const LIST = [
  "to,first_name,body",
  "+12025550100,Ada,hi", // line 2: valid
  "020 7946 0018,Bob,hi", // line 3: national (GB)
  "not a number,Cy,hi", // line 4: invalid
  "+1 202-555-0100,Ada,hi", // line 5: line 2 again, written differently
  `+12025550101,Di,${LONG}`, // line 6: body too long
  "+12025550102,Ed,hi", // line 7: valid
].join("\n");

function send(sim: RunningSimulator, list: string, extra: string[]) {
  return runInProcess(
    ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url, ...extra],
    { env: fx.env(sim) },
  );
}

describe("the plan", () => {
  it("counts valid, invalid and duplicate rows, with each invalid row's reason", async () => {
    const sim = await fx.simulator();
    const result = await send(sim, fx.file("list.csv", LIST), ["--json"]);

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).plan).toMatchObject({
      rows: 6,
      valid: 2,
      invalid: 3,
      skipped: 1,
      duplicates: 1,
    });
    const { rows } = await readJournal(fx.journalPath());
    expect(rows.map((r) => [r.line, r.state])).toEqual([
      [2, "sent"],
      [3, "invalid"],
      [4, "invalid"],
      [5, "skipped"],
      [6, "invalid"],
      [7, "sent"],
    ]);
    expect(rows[3]!.reason).toBe("duplicate of line 2");
    expect(rows[4]!.reason).toMatch(/1601 characters.*1600/);
    expect(sim.creates()).toHaveLength(2);
  });

  it("reads national numbers as --default-country's", async () => {
    const sim = await fx.simulator();
    const result = await send(sim, fx.file("list.csv", LIST), ["--default-country", "GB"]);

    expect(result.code).toBe(1);
    // Which numbers, not in which order: requests in flight together may arrive either way.
    expect(
      sim
        .messages()
        .map((m) => m.to)
        .sort(),
    ).toEqual(["+12025550100", "+12025550102", "+442079460018"]);
  });

  it("sends duplicates with --allow-duplicates", async () => {
    const sim = await fx.simulator();
    // One request at a time: requests in flight together may arrive in either order.
    const result = await send(sim, fx.file("list.csv", LIST), [
      "--allow-duplicates",
      "--concurrency",
      "1",
      "--json",
    ]);

    expect(JSON.parse(result.stdout).plan).toMatchObject({ valid: 3, skipped: 0 });
    expect(sim.messages().map((m) => m.to)).toEqual([
      "+12025550100",
      "+12025550100",
      "+12025550102",
    ]);
  });

  it("is printed before sending", async () => {
    const sim = await fx.simulator();
    const result = await send(sim, fx.file("list.csv", LIST), []);

    expect(result.stdout).toMatch(/^Plan: 6 rows: 2 to send, 3 invalid, 1 skipped \(1 duplicate\)/);
  });
});

describe("--dry-run", () => {
  it("prints the plan and sends nothing, leaving no run behind", async () => {
    const sim = await fx.simulator();
    const result = await send(sim, fx.file("list.csv", LIST), ["--dry-run"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Plan: 6 rows: 2 to send/);
    expect(result.stdout).toMatch(/Dry run: nothing was sent/);
    expect(sim.creates()).toHaveLength(0);
    expect((await readJournal(fx.journalPath())).rows).toHaveLength(0);
  });

  it("needs no credentials, and prints the plan as JSON with --json", async () => {
    const sim = await fx.simulator();
    const result = await runInProcess(
      ["send", fx.file("list.csv", LIST), "--from", FROM, "--dry-run", "--json"],
      { env: { TWILIO_BULK_JOURNAL: fx.journalPath() } },
    );

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      dryRun: true,
      plan: { rows: 6, valid: 2, invalid: 3, skipped: 1 },
    });
    expect(sim.creates()).toHaveLength(0);
  });
});

describe("--body templates", () => {
  it("render per row from the row's columns", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", "to,first_name\n+12025550100,Ada\n+12025550101,Grace\n");
    const result = await send(sim, list, ["--body", "Hi {{first_name}}, see you {{ FIRST_NAME }}"]);

    expect(result.code).toBe(0);
    // Sent concurrently: the order they reach the simulator in is not the file's.
    const bodies = byRecipient(sim.messages()).map((m) => m.body);
    expect(bodies).toEqual(["Hi Ada, see you Ada", "Hi Grace, see you Grace"]);
  });

  it("make a row without the variable invalid, naming it", async () => {
    const sim = await fx.simulator();
    const list = fx.file(
      "list.ndjson",
      '{"to": "+12025550100", "first_name": "Ada"}\n{"to": "+12025550101"}\n',
    );
    const result = await send(sim, list, ["--body", "Hi {{first_name}}"]);

    expect(result.code).toBe(1);
    const { rows } = await readJournal(fx.journalPath());
    expect(rows.map((r) => r.state)).toEqual(["sent", "invalid"]);
    expect(rows[1]!.reason).toMatch(/\{\{first_name\}\}/);
    expect(sim.messages().map((m) => m.body)).toEqual(["Hi Ada"]);
  });
});
