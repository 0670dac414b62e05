import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  describeDelimiter,
  detectDelimiter,
  parseDelimiter,
  sniffDelimiter,
} from "../../src/input/detectDelimiter.js";
import { type InputOptions, openInput } from "../../src/input/openInput.js";
import { readNumberList } from "../../src/input/readNumberList.js";
import { failure, readAll } from "../support/readInput.js";
import { runInProcess } from "../support/runCli.js";
import { FROM, useSendFixture } from "../support/simulatorFixture.js";
import { makeTempDir } from "../support/tempDir.js";

const dir = makeTempDir();
afterAll(() => dir.remove());

function csv(text: string | Buffer, options: InputOptions = {}, extension = ".csv") {
  const path = join(dir.path, `${Math.random().toString(36).slice(2)}${extension}`);
  writeFileSync(path, text);
  const used: string[] = [];
  const input = openInput({ path }, { ...options, onDelimiter: (d) => used.push(d) });
  return { input, used };
}

describe("detectDelimiter, from the header line", () => {
  it.each([
    ["to,body", ","],
    ["to;body", ";"],
    ["to\tbody", "\t"],
    ["to", ","],
    ['"to"', ","],
    ["\uFEFFto;body", ";"],
    ['"to;x",body', ","],
    ['"to,x";body', ";"],
    ['"a;b;c";"d";"e"', ";"],
    ["to;body,with;more", ";"],
    ["to,body;x", ","],
    ["", ","],
  ])("%j → %j", (line, expected) => {
    expect(detectDelimiter(line)).toBe(expected);
  });
});

describe("--delimiter", () => {
  it.each([
    [";", ";"],
    [",", ","],
    ["\\t", "\t"],
    ["tab", "\t"],
    ["TAB", "\t"],
    ["\t", "\t"],
    ["|", "|"],
    ["semicolon", ";"],
  ])("%j → %j", (value, expected) => {
    expect(parseDelimiter(value)).toBe(expected);
  });

  it.each(["", ";;", '"', "\n"])("refuses %j", (value) => {
    expect(() => parseDelimiter(value)).toThrow(/must be one character/);
  });

  it("names what it reads", () => {
    expect(describeDelimiter(";")).toBe("semicolon-separated");
    expect(describeDelimiter("\t")).toBe("tab-separated");
    expect(describeDelimiter("|")).toBe("`|`-separated");
  });
});

describe("reading a CSV", () => {
  it("reads a semicolon-separated export (Excel in much of Europe), BOM and CRLF included", async () => {
    const { input, used } = csv("\uFEFFto;body\r\n+12025550100;Hallo, Welt\r\n+12025550101;x\r\n");
    expect(await readAll(input)).toEqual([
      { line: 2, fields: { to: "+12025550100", body: "Hallo, Welt" } },
      { line: 3, fields: { to: "+12025550101", body: "x" } },
    ]);
    expect(used).toEqual([";"]);
  });

  it("reads a tab-separated file, and a one-column file as comma-separated", async () => {
    const tab = csv("to\tbody\n+12025550100\thi, there\n");
    expect(await readAll(tab.input)).toEqual([
      { line: 2, fields: { to: "+12025550100", body: "hi, there" } },
    ]);
    const one = csv('"to"\n+12025550100\n');
    expect(await readAll(one.input)).toEqual([{ line: 2, fields: { to: "+12025550100" } }]);
    expect(one.used).toEqual([","]);
  });

  it("tells from the header, not from quoted names or the rows", async () => {
    const { input, used } = csv('"to;x",body\n+12025550100,"a;b;c;d"\n', { toColumn: "body" });
    expect(await readAll(input)).toEqual([
      { line: 2, fields: { "to;x": "+12025550100", body: "a;b;c;d" } },
    ]);
    expect(used).toEqual([","]);
  });

  it("keeps a header line split across chunks whole", async () => {
    async function* chunks() {
      yield Buffer.from('"t');
      yield Buffer.from('o";bo');
      yield Buffer.from("dy\n+1;x\n");
    }
    const sniffed = await sniffDelimiter(chunks());
    expect(sniffed.delimiter).toBe(";");
    const all: Buffer[] = [];
    for await (const chunk of sniffed.bytes) all.push(chunk);
    expect(Buffer.concat(all).toString()).toBe('"to";body\n+1;x\n');
  });

  it("uses a forced delimiter as given", async () => {
    const { input } = csv("to|body;x\n+12025550100|a;b\n", { delimiter: "|" });
    expect(await readAll(input)).toEqual([
      { line: 2, fields: { to: "+12025550100", "body;x": "a;b" } },
    ]);
  });

  it.each([
    ["comma", "to,body\n+1,a,b\n", {}],
    ["semicolon", "to;body\n+1;a;b\n", {}],
    ["tab", "to\tbody\n+1\ta\tb\n", {}],
    ["`|`", "to|body\n+1|a|b\n", { delimiter: "|" }],
  ])("names the %s it read by when a row has too many fields", async (name, text, options) => {
    const error = await failure(csv(text, options).input);
    expect(error.message).toContain("has 3 fields, the header has 2");
    expect(error.hint).toBe(`quote any field that contains a ${name}`);
  });

  it("reads a .tsv file as tab-separated, whatever its header looks like", async () => {
    const { input, used } = csv("to\tbody\n+12025550100\thi; there, you\n", {}, ".tsv");
    expect(input.format).toBe("csv");
    expect(await readAll(input)).toEqual([
      { line: 2, fields: { to: "+12025550100", body: "hi; there, you" } },
    ]);
    expect(used).toEqual(["\t"]);
    // One column: no tab in the header to tell it by.
    const one = csv("to\n+12025550100\n", {}, ".TSV");
    expect(await readAll(one.input)).toEqual([{ line: 2, fields: { to: "+12025550100" } }]);
    expect(one.used).toEqual(["\t"]);
    // --delimiter still wins.
    const forced = csv("to;body\n+1;x\n", { delimiter: ";" }, ".tsv");
    expect(await readAll(forced.input)).toEqual([{ line: 2, fields: { to: "+1", body: "x" } }]);
  });

  it("suggests --delimiter when a forced comma leaves one long header name", async () => {
    const error = await failure(csv("to;body\n+1;x\n", { delimiter: "," }).input);
    expect(error.message).toContain("no `to` column");
    expect(error.hint).toBe("the file looks semicolon-separated: try --delimiter ';'");
  });

  it("reads a semicolon-separated suppression list", async () => {
    const path = join(dir.path, "optouts.csv");
    writeFileSync(path, "number;reason\n+12025550100;STOP\n+12025550101;asked\n");
    const seen: string[] = [];
    for await (const { text } of readNumberList({ path })) seen.push(text);
    expect(seen).toEqual(["+12025550100", "+12025550101"]);
  });
});

describe("send and suppress import say how they read the file", () => {
  const fx = useSendFixture();

  it("sends a semicolon-separated list, saying so on stderr", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", "to;body\n+12025550100;Hallo, Welt\n");
    const result = await runInProcess(
      ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url],
      { env: fx.env(sim) },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Reading ${list} as semicolon-separated.`);
    expect(sim.messages().map((m) => [m.to, m.body])).toEqual([["+12025550100", "Hallo, Welt"]]);
  });

  it("takes --delimiter tab, and says nothing for a comma-separated file", async () => {
    const sim = await fx.simulator();
    const tabbed = fx.file("list.tsv.csv", "to\tbody\n+12025550100\thi\n");
    const dry = await runInProcess(
      ["send", tabbed, "--from", FROM, "--dry-run", "--delimiter", "tab"],
      { env: fx.env(sim) },
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain("as tab-separated");
    expect(dry.stdout).toContain("1 to send");
    const plain = fx.file("plain.csv", "to,body\n+12025550100,hi\n");
    const quiet = await runInProcess(["send", plain, "--from", FROM, "--dry-run"], {
      env: fx.env(sim),
    });
    expect(quiet.stderr).not.toContain("Reading");
    const bad = await runInProcess(["send", plain, "--dry-run", "--delimiter", ";;"], {
      env: fx.env(sim),
    });
    expect(bad.code).toBe(64);
  });

  it("sends a list.tsv, saying it reads it as tab-separated", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.tsv", "to\tbody\n+12025550100\tHi, there\n");
    const result = await runInProcess(["send", list, "--from", FROM, "--dry-run"], {
      env: fx.env(sim),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Reading ${list} as tab-separated.`);
    expect(result.stdout).toContain("1 to send");
  });

  it("imports a semicolon-separated opt-out export", async () => {
    const sim = await fx.simulator();
    const file = fx.file("optouts.csv", "number;reason\n+12025550100;STOP\n");
    const result = await runInProcess(["suppress", "import", file], { env: fx.env(sim) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("as semicolon-separated");
    expect(result.stdout).toContain("1 newly suppressed");
  });
});
