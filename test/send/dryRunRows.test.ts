import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { runCliIntoHead, runInProcess } from "../support/runCli.js";
import { FROM, readJournal, useSendFixture } from "../support/simulatorFixture.js";

// A dry run says which rows are invalid or skipped and why, not just how many: the first 20 on
// the terminal, every one with --json or --rows-out.

const fx = useSendFixture();

/** Two good rows, a national number, a duplicate, junk and a formula, then `extra` bad rows. */
function list(extra = 0): string {
  const lines = [
    "to,body",
    "+12025550100,hi", // 2
    "(415) 555-0100,hi", // 3: national
    "+12025550100,hi", // 4: duplicate of 2
    "hello,hi", // 5: not a number
    "=HYPERLINK(1),hi", // 6: a formula for a spreadsheet
    "+12025550101,hi", // 7
  ];
  for (let i = 0; i < extra; i++) lines.push(`bad${i},hi`);
  return `${lines.join("\n")}\n`;
}

function dryRun(file: string, extra: string[] = []) {
  return runInProcess(["send", file, "--from", FROM, "--dry-run", ...extra], {
    env: { TWILIO_BULK_JOURNAL: fx.journalPath() },
  });
}

describe("a dry run's invalid and skipped rows", () => {
  it("are listed under the plan with line, value, reason and hint", async () => {
    const result = await dryRun(fx.file("list.csv", list()));
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toContain("Plan: 6 rows: 2 to send, 3 invalid, 1 skipped");
    expect(out).toContain("Invalid and skipped rows:\n");
    expect(out).toMatch(
      /line 3 {2}\(415\) 555-0100 {2}invalid: to: `\(415\) 555-0100` has no country code/,
    );
    expect(out).toContain("      hint: pass --default-country US\n");
    expect(out).toContain("line 4  +12025550100  skipped: duplicate of line 2\n");
    expect(out).toContain("hint: pass --allow-duplicates to send it anyway");
    expect(out).toContain("line 5  hello  invalid: to: `hello` is not a phone number");
    expect(out).not.toContain("more:");
    expect((await readJournal(fx.journalPath())).rows).toHaveLength(0);
  });

  it("show the first 20 on the terminal and count the rest", async () => {
    const result = await dryRun(fx.file("list.csv", list(30)));
    expect(result.stdout).toContain("Invalid and skipped rows (the first 20 of 34):");
    expect(result.stdout.match(/^ {2}line \d+ /gm)).toHaveLength(20);
    expect(result.stdout).toContain("… and 14 more: --rows-out FILE (or --json) lists every one.");
  });

  it("are all in --json, streamed before the plan", async () => {
    const result = await dryRun(fx.file("list.csv", list(30)), ["--json"]);
    expect(result.code, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      dryRun: boolean;
      rows: { line: number; to: string; state: string; reason: string; hint: string }[];
      plan: { invalid: number; skipped: number };
    };
    expect(parsed).toMatchObject({ dryRun: true, plan: { invalid: 33, skipped: 1 } });
    expect(parsed.rows).toHaveLength(34);
    expect(parsed.rows[0]).toEqual({
      line: 3,
      to: "(415) 555-0100",
      state: "invalid",
      reason: expect.stringContaining("has no country code"),
      hint: "pass --default-country US",
    });
    expect(parsed.rows.at(-1)).toMatchObject({ line: 37, to: "bad29", state: "invalid" });
  });

  it("are all in --rows-out, a CSV readable by its owner only, safe in a spreadsheet", async () => {
    const out = join(fx.dir(), "rejected.csv");
    const result = await dryRun(fx.file("list.csv", list(30)), ["--rows-out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`All 34 are listed in ${out}.`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, "utf8");
    expect(text).toContain("\n6,'=HYPERLINK(1),invalid,");
    expect(text).toContain("\n4,+12025550100,skipped,duplicate of line 2,");
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0] ?? {})).toEqual(["line", "to", "state", "reason", "hint"]);
    expect(records).toHaveLength(34);
    expect(records.map((r) => r.line).slice(0, 4)).toEqual(["3", "4", "5", "6"]);
  });

  it("are listed in a real send's plan too, and --rows-out works there", async () => {
    const sim = await fx.simulator();
    const out = join(fx.dir(), "rejected.csv");
    const result = await runInProcess(
      [
        "send",
        fx.file("list.csv", list()),
        "--from",
        FROM,
        "--rate",
        "1000",
        "--api-url",
        sim.url,
        "--rows-out",
        out,
      ],
      { env: fx.env(sim) },
    );
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain("line 5  hello  invalid:");
    expect(sim.messages()).toHaveLength(2);
    expect(readFileSync(out, "utf8").split("\n").filter(Boolean)).toHaveLength(5);
  });

  it("fail at once when --rows-out cannot be created, before reading the list", async () => {
    const result = await dryRun(fx.file("list.csv", list()), [
      "--rows-out",
      join(fx.dir(), "no", "such", "dir.csv"),
    ]);
    expect(result.code).toBe(73);
    expect(result.stderr).toContain("cannot write the invalid and skipped rows to");
  });

  it("stream to a pipe its reader closes, and end quietly with exit 0", async () => {
    const file = fx.file("list.csv", list(5000));
    const result = await runCliIntoHead(["send", file, "--from", FROM, "--dry-run", "--json"], 2, {
      env: { TWILIO_BULK_JOURNAL: fx.journalPath() },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^\{"dryRun":true,"rows":\[\n\{"line":3,/);
    expect((await readJournal(fx.journalPath())).rows).toHaveLength(0);
  });
});
