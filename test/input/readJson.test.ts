import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/errors.js";
import { type InputFormat, type OpenedInput, openInput } from "../../src/input/openInput.js";
import { FIXTURES, failure, readAll } from "../support/readInput.js";
import { makeTempDir } from "../support/tempDir.js";

const dir = makeTempDir();
afterAll(() => dir.remove());

const open = (name: string) => openInput({ path: name, cwd: FIXTURES });

function openText(text: string, format: InputFormat): OpenedInput {
  const path = join(dir.path, `${Math.random().toString(36).slice(2)}.${format}`);
  writeFileSync(path, text);
  return openInput({ path });
}

describe("JSON", () => {
  it("streams the array's objects with the line each starts on", async () => {
    expect(await readAll(open("records.json"))).toEqual([
      {
        line: 2,
        fields: { to: "+12025550116", body: "Hi {{first_name}}", first_name: "Ada" },
      },
      {
        line: 3,
        fields: {
          to: "12025550117",
          opt_in: "true",
          media_url: ["https://example.com/a.png", "https://example.com/b.png"],
          meta: '{"tier":2}',
        },
      },
      { line: 11, fields: { to: "+12025550118", body: "multi\nline", tags: '[1,"x"]' } },
    ]);
  });

  it("strips a BOM", async () => {
    expect(await readAll(open("bom.json"))).toEqual([{ line: 1, fields: { to: "+12025550125" } }]);
  });

  it("reads an empty array as no records", async () => {
    expect(await readAll(openText(" [ ]\n", "json"))).toEqual([]);
  });

  it.each([
    ["syntax-error.json", 3, 25, /unexpected `"`; expected `,` or `}`/],
    ["not-array.json", 1, 1, /the top-level value is an object; expected an array of objects/],
    ["not-object.json", 3, 3, /expected an object such as .*, found a string/],
    ["truncated.json", 3, 1, /the object opened at line 2, column 3 is never closed/],
  ])("%s stops at line %i, column %i", async (name, line, column, message) => {
    const error = await failure(open(name));
    expect(error.location).toEqual({ file: name, line, column });
    expect(error.message).toMatch(new RegExp(`^${name}:${line}:${column}: `));
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(ExitCode.dataErr);
  });

  it.each([
    ["", /no JSON in the input/],
    ['[{"to": "+1", "TO": "+2"}]', /has both `to` and `TO`; keys ignore case/],
    ['[{"to": "+1"}] []', /unexpected `\[`; expected nothing after/],
  ])("rejects %j", async (text, message) => {
    expect((await failure(openText(text, "json"))).message).toMatch(message);
  });
});

describe("NDJSON", () => {
  it("reads one object per line, skipping blank lines, with LF or CRLF", async () => {
    expect(await readAll(open("records.ndjson"))).toEqual([
      { line: 1, fields: { to: "+12025550126", body: "one" } },
      { line: 3, fields: { to: "+12025550127", media_url: ["https://example.com/c.png"] } },
      { line: 5, fields: { to: "+12025550128", n: "3.5" } },
    ]);
  });

  it.each([
    ["bad-line.ndjson", 2, 24, /unexpected `b`; expected a key in double quotes/],
    ["array-line.ndjson", 2, undefined, /expected an object .*, found an array/],
  ])("%s stops at line %i", async (name, line, column, message) => {
    const error = await failure(open(name));
    expect(error.location).toEqual({ file: name, line, ...(column && { column }) });
    expect(error.message).toMatch(message);
  });

  it("reads a line longer than any chunk", async () => {
    const body = "x".repeat(300_000);
    const records = await readAll(
      openText(`{"to":"+1","body":"${body}"}\n{"to":"+2"}\n`, "ndjson"),
    );
    expect(records.map((record) => [record.line, record.fields.body?.length])).toEqual([
      [1, 300_000],
      [2, undefined],
    ]);
  });
});
