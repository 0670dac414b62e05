import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/errors.js";
import { type InputOptions, type OpenedInput, openInput } from "../../src/input/openInput.js";
import { FIXTURES, failure, readAll } from "../support/readInput.js";
import { makeTempDir } from "../support/tempDir.js";

const dir = makeTempDir();
afterAll(() => dir.remove());

function open(name: string, options: InputOptions = {}): OpenedInput {
  return openInput({ path: name, cwd: FIXTURES }, options);
}

/** A CSV written byte for byte, for cases a fixture's editor would normalise away. */
function openText(text: string, options: InputOptions = {}): OpenedInput {
  const path = join(dir.path, `${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, text);
  return openInput({ path }, options);
}

describe("records", () => {
  it("reads quoted commas, quoted newlines and doubled quotes, skipping blank lines", async () => {
    expect(await readAll(open("quoted.csv"))).toEqual([
      { line: 2, fields: { to: "+12025550101", first_name: "Ada", body: "Hello, Ada" } },
      { line: 4, fields: { to: "+12025550102", first_name: "Grace", body: "Line one\nline two" } },
      {
        line: 6,
        fields: { to: "+12025550103", first_name: 'Alan "the" Turing', body: "plain" },
      },
    ]);
  });

  it("strips a BOM and reads CRLF, keeping a CRLF inside quotes", async () => {
    expect(await readAll(open("bom-crlf.csv"))).toEqual([
      { line: 2, fields: { to: "+12025550104", body: "two\r\nlines" } },
      { line: 5, fields: { to: "+12025550105", body: "crlf" } },
    ]);
  });

  it("reads a last row without a newline", async () => {
    expect(await readAll(open("no-final-newline.csv"))).toEqual([
      { line: 2, fields: { to: "+12025550106", body: "no newline at the end" } },
    ]);
  });

  it("finds the --to-column in any case and skips rows of bare commas", async () => {
    expect(await readAll(open("custom-to-column.csv", { toColumn: " Phone " }))).toEqual([
      { line: 2, fields: { phone: "+12025550114", body: "hi" } },
    ]);
  });

  it.each([
    ["mixed line endings", "to,body\r\n+1,a\n+2,b\r\n+3,c", [2, 3, 4], ["a", "b", "c"]],
    ["old Mac line endings", "to,body\r+1,a\r+2,b\r", [2, 3], ["a", "b"]],
    ["blank lines before the header", "\n\r\nto,body\n+1,a\n", [4], ["a"]],
    ["a quoted CR LF and LF", 'to,body\n+1,"a\r\nb\nc"\n+2,d\n', [2, 5], ["a\r\nb\nc", "d"]],
    ["several blank lines", "to,body\n\n\n+1,a\n\n+2,b\n", [4, 6], ["a", "b"]],
  ])("numbers lines right with %s", async (_, text, lines, bodies) => {
    const records = await readAll(openText(text));
    expect(records.map((record) => record.line)).toEqual(lines);
    expect(records.map((record) => record.fields.body)).toEqual(bodies);
  });

  it("keeps field text exactly as written", async () => {
    const [record] = await readAll(openText("to,body\n +1 202 555 0100 ,  two spaces  \n"));
    expect(record?.fields).toEqual({ to: " +1 202 555 0100 ", body: "  two spaces  " });
  });

  it("treats a column named __proto__ as a column", async () => {
    const [record] = await readAll(openText("to,__proto__\n+1,x\n"));
    expect(Object.getOwnPropertyDescriptor(record!.fields, "__proto__")?.value).toBe("x");
    expect(Object.getPrototypeOf(record!.fields)).toBeNull();
  });
});

describe("file-level errors", () => {
  it.each([
    [
      "unclosed-quote.csv",
      3,
      /row starting at line 3: the quote that opens field 2 \(`body`\) is never closed/,
    ],
    ["ragged.csv", 3, /row starting at line 3 has 3 fields, the header has 2/],
    ["stray-quote.csv", 2, /a quote appears inside the unquoted field 2 \(`body`\)/],
    ["duplicate-header.csv", 1, /the header has `body` twice \(columns 2 and 3/],
    ["empty-header.csv", 1, /column 2 of the header has no name/],
    ["no-to-column.csv", 1, /no `to` column; the header has: phone, body$/],
  ])("%s stops at line %i", async (name, line, message) => {
    const error = await failure(open(name));
    expect(error.location).toEqual({ file: name, line });
    expect(error.message).toMatch(new RegExp(`^${name}:${line}: `));
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(ExitCode.dataErr);
  });

  it("hints at --to-column when the header has no `to`", async () => {
    const error = await failure(open("no-to-column.csv"));
    expect(error.hint).toMatch(/--to-column NAME/);
  });

  it("names the --to-column it looked for", async () => {
    const error = await failure(open("quoted.csv", { toColumn: "Mobile" }));
    expect(error.message).toMatch(/no `mobile` column; the header has: to, first_name, body/);
  });

  it("rejects an empty file", async () => {
    const error = await failure(open("empty.csv"));
    expect(error.message).toMatch(/the file is empty/);
  });

  it("counts lines through quoted newlines to the error", async () => {
    const error = await failure(openText('to,body\r\n+1,"a\r\nb"\r\n\r\n+2,x,y\r\n'));
    expect(error.location.line).toBe(5);
  });

  it("stops a never-closed quote after 1 MiB instead of reading on", async () => {
    const text = `to,body\n+1,"${"x".repeat(1024 * 1024)}\n+2,y\n`;
    const error = await failure(openText(text));
    expect(error.message).toMatch(/row starting at line 2 is over 1 MiB/);
  });
});
