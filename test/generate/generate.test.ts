import { Readable } from "node:stream";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openInput } from "../../src/input/openInput.js";
import { MAGIC_TO } from "../../src/simulator/magicNumbers.js";
import { REHEARSAL_KINDS } from "../../src/simulator/rehearsalRows.js";
import { readAll } from "../support/readInput.js";
import { runInProcess } from "../support/runCli.js";
import { useSendFixture } from "../support/simulatorFixture.js";

const fx = useSendFixture();

async function generate(args: string[]) {
  const result = await runInProcess(["generate", ...args]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return result.stdout;
}

async function parse(text: string, format: "csv" | "json" | "ndjson") {
  const input = openInput({ path: "-", stdin: Readable.from([Buffer.from(text)]) }, { format });
  return (await readAll(input)).map((record) => record.fields);
}

describe("generate", () => {
  it("gives the same list for the same seed, another for another seed", async () => {
    const a = await generate(["--rows", "50", "--seed", "7"]);
    expect(await generate(["--rows", "50", "--seed", "7"])).toBe(a);
    expect(await generate(["--rows", "50", "--seed", "8"])).not.toBe(a);
  });

  it("writes the same rows as CSV, JSON and NDJSON, each read back by our own readers", async () => {
    const args = ["--rows", "40", "--seed", "3"];
    const csv = await parse(await generate([...args, "--format", "csv"]), "csv");
    const json = await parse(await generate([...args, "--format", "json"]), "json");
    const ndjson = await parse(await generate([...args, "--format", "ndjson"]), "ndjson");
    expect(csv).toHaveLength(40);
    expect(json).toEqual(csv);
    expect(ndjson).toEqual(csv);
    expect(Object.keys(csv[0]!)).toEqual(["to", "from", "body", "kind", "expected"]);
    for (const row of csv) expect(row.to).toMatch(/^\+1(500555000[1-46-9]|2025550[01]\d\d)$/);
  });

  it("writes CSV cells as the report does: phone numbers as they are", async () => {
    const csv = await generate(["--rows", "2", "--format", "csv"]);
    // A cell that is only + and digits cannot run as a formula, so it is not guarded.
    expect(csv.split("\n")[1]).toMatch(/^\+1\d{10},\+15005550006,/);
  });

  it("writes exactly the kinds --mix names", async () => {
    const rows = await parse(
      await generate(["--rows", "30", "--format", "ndjson", "--mix", "invalid=1,landline=1"]),
      "ndjson",
    );
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(["invalid", "landline"]));
    expect(new Set(rows.map((r) => r.to))).toEqual(new Set(["+15005550001", "+15005550009"]));
  });

  it("expects for each magic number the error the simulator gives it", () => {
    for (const { to, code } of Object.values(REHEARSAL_KINDS)) {
      if (to !== null && code !== null) expect(MAGIC_TO.get(to)?.code).toBe(code);
    }
  });

  it("refuses bad options with exit 64", async () => {
    const cases = [
      [["generate"], /--rows/],
      [["generate", "--rows", "-1"], /`--rows` must be a whole number/],
      [
        ["generate", "--rows", "5", "--format", "xml"],
        /`--format` must be one of csv, json, ndjson/,
      ],
      [["generate", "--rows", "5", "--mix", "normal=0"], /at least one kind/],
      [["generate", "--rows", "5", "--mix", "normal=x"], /`--mix normal` must be a number/],
    ] as const;
    for (const [args, message] of cases) {
      const result = await runInProcess(args);
      expect(result.code).toBe(64);
      expect(result.stderr).toMatch(message);
    }
  });

  it("a list sent through the simulator ends as each row expects", async () => {
    const sim = await fx.simulator();
    const list = fx.file("rehearsal.csv", "");
    expect(
      (await runInProcess(["generate", "--rows", "300", "--seed", "11", "--out", list])).code,
    ).toBe(0);
    const sent = await runInProcess(["send", list, "--rate", "1000", "--api-url", sim.url], {
      env: fx.env(sim),
    });
    expect(sent.stderr).not.toMatch(/internal error/);
    expect(sent.code).toBe(1); // some rows failed, as planned
    const db = new Database(fx.journalPath(), { readonly: true });
    const rows = db
      .prepare("SELECT state, error_code, reason, fields_json FROM rows ORDER BY idx")
      .all() as {
      state: string;
      error_code: number | null;
      reason: string | null;
      fields_json: string;
    }[];
    db.close();
    expect(rows).toHaveLength(300);
    const kinds = new Set<string>();
    for (const row of rows) {
      const { kind, expected } = JSON.parse(row.fields_json) as { kind: string; expected: string };
      kinds.add(kind);
      if (expected === "sent") {
        expect(row.state).toBe("sent");
        continue;
      }
      const code = Number(expected.replace("failed ", ""));
      // An opt-out or a landline is suppressed at its first refusal: later rows to it are skipped.
      if (row.state === "skipped" && (code === 21610 || code === 21614)) {
        expect(row.reason).toMatch(/suppressed/);
        continue;
      }
      expect([row.state, row.error_code]).toEqual(["failed", code]);
    }
    expect(kinds).toEqual(new Set(Object.keys(REHEARSAL_KINDS)));
  });
});
