import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runInProcess } from "../support/runCli.js";
import { FROM, readJournal, useSendFixture } from "../support/simulatorFixture.js";

const fx = useSendFixture();

/** `suppress …` needs no simulator: only the journal. */
function suppress(args: string[], stdin?: string) {
  return runInProcess(["suppress", ...args], {
    env: { TWILIO_BULK_JOURNAL: fx.journalPath() },
    ...(stdin === undefined ? {} : { stdin }),
  });
}

async function listed(): Promise<{ number: string; code: number | null; reason: string }[]> {
  const result = await suppress(["list", "--json"]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

function send(sim: RunningSimulator, list: string, extra: string[] = []) {
  return runInProcess(
    ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url, ...extra],
    { env: fx.env(sim) },
  );
}

describe("suppress add, list, remove", () => {
  it("keeps numbers in E.164, whatever way they were written", async () => {
    const added = await suppress([
      "add",
      "(415) 555-0100",
      "+1 415 555 0101",
      "--default-country",
      "us",
      "--reason",
      "asked by phone",
    ]);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/Suppressed 2 numbers/);
    expect(await listed()).toEqual([
      expect.objectContaining({ number: "+14155550100", code: null, reason: "asked by phone" }),
      expect.objectContaining({ number: "+14155550101", code: null, reason: "asked by phone" }),
    ]);

    expect((await suppress(["add", "+14155550100"])).stdout).toMatch(
      /0 numbers \(1 already were\)/,
    );
    const table = await suppress(["list"]);
    expect(table.stdout).toMatch(/\+14155550100 +- +\d{4}-\d\d-\d\d +- +asked by phone/);

    const removed = await suppress([
      "remove",
      "4155550100",
      "+14155550199",
      "--default-country",
      "US",
    ]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/Removed 1 numbers/);
    expect(removed.stdout).toMatch(/Not on the list: \+14155550199/);
    expect((await listed()).map((s) => s.number)).toEqual(["+14155550101"]);
  });

  it("changes nothing when one argument is not a phone number", async () => {
    const result = await suppress(["add", "+14155550100", "call me"]);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/not a phone number: `call me` is not a phone number/);
    expect(await listed()).toEqual([]);
  });
});

describe("suppress import", () => {
  it("reads one number a line, leaving out and listing what is not a number (exit 1)", async () => {
    const file = fx.file(
      "optouts.txt",
      "# exported 2024-05-01\n+14155550100\n\n(415) 555-0101\nnobody\n+14155550100\n",
    );
    const result = await suppress(["import", file, "--default-country", "US"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Imported 3 numbers .*: 2 newly suppressed, 1 already were/);
    expect(result.stderr).toMatch(/optouts\.txt:5: `nobody` is not a phone number/);
    expect((await listed()).map((s) => [s.number, s.reason])).toEqual([
      ["+14155550100", "imported from optouts.txt"],
      ["+14155550101", "imported from optouts.txt"],
    ]);
  });

  it("reads the `number` or `to` column of a CSV, a report's '+1… cells included", async () => {
    const csv = fx.file("crm.csv", "name,Number\nAnn,+14155550100\nBob,+14155550102\n");
    expect((await suppress(["import", csv])).code).toBe(0);
    const report = fx.file("report.csv", "to,body,tb_line\n'+14155550103,hi,2\n");
    expect((await suppress(["import", report])).code).toBe(0);
    expect((await listed()).map((s) => s.number).sort()).toEqual([
      "+14155550100",
      "+14155550102",
      "+14155550103",
    ]);
  });

  it("reads standard input, and refuses a CSV with no number column", async () => {
    expect((await suppress(["import", "-"], "+14155550100\n")).code).toBe(0);
    expect((await listed()).map((s) => s.number)).toEqual(["+14155550100"]);
    const bad = await suppress(["import", fx.file("x.csv", "name,city\nAnn,Paris\n")]);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toMatch(/x\.csv:1: expected one phone number a line, or a header/);
  });
});

describe("sending to suppressed numbers", () => {
  it("a second send to numbers that opted out or are landlines makes no request for them", async () => {
    const sim = await fx.simulator();
    const list = fx.file(
      "list.csv",
      "to,body\n+12025550100,hi\n+15005550004,hi\n+15005550009,hi\n+15005550001,hi\n",
    );
    await send(sim, list);
    // Both answers can come back in the same instant: compare in number order.
    const added = (await listed()).sort((a, b) => a.number.localeCompare(b.number));
    expect(added).toEqual([
      expect.objectContaining({ number: "+15005550004", code: 21610 }),
      expect.objectContaining({ number: "+15005550009", code: 21614 }),
    ]);

    const creates = sim.creates().length;
    const second = await send(sim, list, ["--new-run"]);
    expect(second.stdout).toMatch(/2 skipped \(2 suppressed\)/);
    // The invalid number is not suppressed: it is tried again (and refused again).
    expect(
      sim
        .creates()
        .slice(creates)
        .map((c) => c.to)
        // Concurrent requests reach the simulator in any order.
        .sort(),
    ).toEqual(["+12025550100", "+15005550001"]);
    const rows = (await readJournal(fx.journalPath())).rows.slice(4);
    expect(rows.map((r) => r.state)).toEqual(["sent", "skipped", "skipped", "failed"]);
    expect(rows[1]?.reason).toBe(
      "suppressed: recipient has opted out (replied STOP) (error 21610)",
    );
    expect(rows[2]?.reason).toBe("suppressed: To is not a mobile number (error 21614)");

    const report = await runInProcess(["report", "--format", "json"], { env: fx.env(sim) });
    expect(JSON.parse(report.stdout)).toMatchObject({ skipped: { suppressed: 2 } });
  });

  it("skips a later row to a number that opted out earlier in the same run", async () => {
    const sim = await fx.simulator();
    const list = fx.file(
      "list.csv",
      "to,body\n+15005550004,first\n+12025550100,hi\n+15005550004,second\n",
    );
    const result = await send(sim, list, ["--concurrency", "1", "--json"]);
    expect(result.code).toBe(1);
    expect(sim.creates().filter((c) => c.to === "+15005550004")).toHaveLength(1);
    // The skipped row was never started: two requests, two tokens, for three rows.
    expect(JSON.parse(result.stdout)).toMatchObject({ attempts: 2 });
    const rows = (await readJournal(fx.journalPath())).rows;
    expect(rows.map((r) => [r.state, r.attempts])).toEqual([
      ["failed", 1],
      ["sent", 1],
      ["skipped", 0],
    ]);
  });

  it("skips numbers added by hand before the send", async () => {
    const sim = await fx.simulator();
    await suppress(["add", "+12025550100"]);
    const list = fx.file("list.csv", "to,body\n+12025550100,hi\n+12025550101,hi\n");
    expect((await send(sim, list)).code).toBe(0);
    expect(sim.creates().map((c) => c.to)).toEqual(["+12025550101"]);
  });
});
