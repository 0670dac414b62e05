import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runInProcess } from "../support/runCli.js";
import { FROM, useSendFixture } from "../support/simulatorFixture.js";

// `report` reads only the journal: a send against the simulator makes one, then the report is
// checked against what the simulator recorded.

const fx = useSendFixture();

function send(sim: RunningSimulator, list: string, extra: string[] = []) {
  return runInProcess(
    ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url, ...extra],
    { env: fx.env(sim) },
  );
}

function report(sim: RunningSimulator, args: string[] = []) {
  return runInProcess(["report", ...args], { env: fx.env(sim) });
}

interface Summary {
  counts: Record<string, number>;
  errors: { code: number | null; status: number | null; count: number; meaning: string }[];
  skipped: Record<string, number>;
  suppressed: number;
}

describe("the report's counts", () => {
  it("equal what the simulator recorded", async () => {
    const sim = await fx.simulator({ mps: 6 });
    const lines = ["to,body"];
    for (let i = 0; i < 8; i++) lines.push(`+1202555${3000 + i},hello ${i}`);
    lines.push("+15005550001,a", "+15005550004,b", "+15005550009,c", "+15005550002,d");
    lines.push("+12025553000,hello 0", "not a number,x");
    const list = fx.file("list.csv", `${lines.join("\n")}\n`);
    await send(sim, list, ["--max-attempts", "1"]);

    const result = await report(sim, ["--format", "json"]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Summary;

    // The simulator's view: the last answer each (To, Body) got.
    const last = new Map<string, { outcome: string; code: number | null; status: number | null }>();
    for (const c of sim.creates()) {
      last.set(`${c.to}|${c.body}`, { outcome: c.outcome, code: c.code, status: c.httpStatus });
    }
    const answers = [...last.values()];
    expect(summary.counts.sent).toBe(sim.messages().length);
    expect(summary.counts.sent).toBe(answers.filter((a) => a.outcome === "created").length);
    expect(summary.counts.failed).toBe(answers.filter((a) => a.outcome !== "created").length);
    expect(summary.counts).toMatchObject({ invalid: 1, skipped: 1, in_doubt: 0, pending: 0 });
    const byCode = new Map<number, number>();
    for (const a of answers) {
      if (a.code !== null) byCode.set(a.code, (byCode.get(a.code) ?? 0) + 1);
    }
    expect(
      new Map(summary.errors.map((e) => [e.code, e.count])),
      "one error line per code, counted as the simulator answered",
    ).toEqual(byCode);
    for (const error of summary.errors) {
      const sample = sim.creates().find((c) => c.code === error.code);
      expect(error.status).toBe(sample?.httpStatus);
      expect(error.meaning).not.toBe("");
    }
    expect(summary.skipped).toEqual({ duplicate: 1 });
  });

  it("show the table a person reads, with what to do about each code", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", "to,body\n+12025550100,hi\n+15005550004,hi\n");
    await send(sim, list);
    const result = await report(sim);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/sent +1/);
    expect(result.stdout).toMatch(/failed +1/);
    expect(result.stdout).toMatch(
      /21610 +400 +1 +failed +recipient has opted out \(replied STOP\) +none: the number is now suppressed/,
    );
    expect(result.stdout).toMatch(/1 numbers were put on the suppression list by this run/);
  });
});

describe("a CSV report", () => {
  const HYPERLINK = '=HYPERLINK("http://example.com/x","click me")';

  async function sendFormulaList(sim: RunningSimulator) {
    const list = fx.file(
      "list.csv",
      `to,first_name,body\n+12025550100,Ann,"${HYPERLINK.replace(/"/g, '""')}"\n+12025550101,@bob,-50% today\n`,
    );
    await send(sim, list);
  }

  it("cannot run a formula in a spreadsheet, while JSON keeps the text as it was", async () => {
    const sim = await fx.simulator();
    await sendFormulaList(sim);
    expect(sim.messages().find((m) => m.to === "+12025550100")?.body).toBe(HYPERLINK);

    const csv = await report(sim, ["--rows", "--format", "csv"]);
    expect(csv.code).toBe(0);
    const records = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      // Exactly a phone number: nothing to run, so left as it is.
      to: "+12025550100",
      first_name: "Ann",
      body: `'${HYPERLINK}`,
      tb_line: "2",
      tb_to: "+12025550100",
      tb_state: "sent",
      tb_http_status: "201",
      tb_attempts: "1",
    });
    expect(records[1]).toMatchObject({ first_name: "'@bob", body: "'-50% today" });
    for (const record of records) {
      for (const cell of Object.values(record)) {
        expect(cell).not.toMatch(/^[=\-@\t\r]|^\+(?!\d+$)/);
      }
    }

    const json = await report(sim, ["--rows", "--format", "json"]);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rows[0]).toMatchObject({
      to: "+12025550100",
      body: HYPERLINK,
      tb_to: "+12025550100",
      tb_state: "sent",
      tb_attempts: 1,
    });
    expect(rows[1]).toMatchObject({ first_name: "@bob", body: "-50% today" });
  });

  it("goes to --out created readable by its owner only, even over an existing file", async () => {
    const sim = await fx.simulator();
    await sendFormulaList(sim);
    const out = join(fx.dir(), "report.csv");
    writeFileSync(
      out,
      "old content that is much longer than the new report will ever be\n".repeat(50),
    );
    chmodSync(out, 0o644);

    const result = await report(sim, ["--rows", "--format", "csv", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect((statSync(out).mode & 0o777).toString(8)).toBe("600");
    const text = readFileSync(out, "utf8");
    expect(text.startsWith("to,first_name,body,tb_line")).toBe(true);
    expect(text).not.toMatch(/old content/);

    const fresh = join(fx.dir(), "summary.json");
    await report(sim, ["--format", "json", "--out", fresh]);
    expect((statSync(fresh).mode & 0o777).toString(8)).toBe("600");
    expect(JSON.parse(readFileSync(fresh, "utf8"))).toMatchObject({ counts: { sent: 2 } });
  });

  it("of rows filtered by --state, --status and --code, can be fed back to send as JSON", async () => {
    const sim = await fx.simulator({ mps: 2 });
    const list = fx.file(
      "list.csv",
      "to,name,body\n+12025550100,A,hi {{name}}\n+12025550101,B,hi\n+12025550102,C,hi\n+15005550001,D,hi\n",
    );
    // One request at a time: the two let through are the first two lines.
    await send(sim, list, ["--max-attempts", "1", "--concurrency", "1"]);
    const failed = await report(sim, ["--status", "429", "--format", "json"]);
    const rows = JSON.parse(failed.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => [r.tb_line, r.tb_error_code])).toEqual([
      [4, 20429],
      [5, 20429],
    ]);

    // The failed rows, fixed or not, are a list `send` reads as it is: a new run of two rows.
    const again = fx.file("again.json", failed.stdout);
    sim.setOptions({ mps: null });
    expect((await send(sim, again)).code).toBe(1);
    const second = JSON.parse((await report(sim, ["--run", "2", "--format", "json"])).stdout);
    expect(second.counts).toMatchObject({ sent: 1, failed: 1, invalid: 0 });
    expect(sim.messages().filter((m) => m.to === "+12025550102")).toHaveLength(1);

    const table = await report(sim, ["--run", "1", "--state", "failed"]);
    expect(table.stdout.split("\n")[0]).toMatch(/line +to +state +HTTP +code/);
    expect(table.stdout).toMatch(/4 +\+12025550102 +failed +429 +20429/);
  });
});
