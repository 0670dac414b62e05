import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { checkUtf8, firstInvalidUtf8 } from "../../src/input/checkUtf8.js";
import { type InputFormat, openInput } from "../../src/input/openInput.js";
import { makeTempDir } from "../support/tempDir.js";

async function pass(chunks: Buffer[]): Promise<Buffer[]> {
  async function* source() {
    yield* chunks;
  }
  const out: Buffer[] = [];
  for await (const chunk of checkUtf8(source(), "list.csv")) out.push(chunk);
  return out;
}

async function rejection(chunks: Buffer[]): Promise<InputError> {
  const error = await pass(chunks).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(
    parts.map((part) => (typeof part === "string" ? Buffer.from(part) : Buffer.from(part))),
  );

describe("checkUtf8", () => {
  const text = Buffer.from("to,body\n+1,€ 😀 é ✓\n+2,ü\n");

  it("passes UTF-8 through unchanged however it is chunked, never splitting a character", async () => {
    for (let cut = 0; cut <= text.length; cut++) {
      const out = await pass([text.subarray(0, cut), text.subarray(cut)]);
      expect(Buffer.concat(out)).toEqual(text);
      for (const chunk of out)
        expect(new TextDecoder("utf-8", { fatal: true }).decode(chunk)).toBeTypeOf("string");
    }
  });

  it.each([
    ["Latin-1 é", bytes("to,body\n+1,caf", [0xe9], "\n"), 2, 7, "0xe9"],
    ["a lone continuation byte", bytes("to", [0x80]), 1, 3, "0x80"],
    ["an overlong slash", bytes("to,body\n\n+1,", [0xc0, 0xaf]), 3, 4, "0xc0"],
    ["a UTF-16 surrogate", bytes("a\nb", [0xed, 0xa0, 0x80]), 2, 2, "0xed"],
    ["a code point above U+10FFFF", bytes([0xf4, 0x90, 0x80, 0x80]), 1, 1, "0xf4"],
    ["a sequence cut off by the end", bytes("to\n€", [0xe2, 0x82]), 2, 4, "0xe2"],
  ])("rejects %s, naming line and byte column", async (_, input, line, column, byte) => {
    for (const cut of [0, 1, input.length - 1]) {
      const error = await rejection([input.subarray(0, cut), input.subarray(cut)]);
      expect(error.location).toEqual({ file: "list.csv", line, column });
      expect(error.message).toContain(`byte ${byte} at byte ${column} of the line`);
      expect(error.hint).toMatch(/UTF-8/);
    }
  });

  it("counts lines across chunks", async () => {
    const chunks = [Buffer.from("a\nb\nc"), Buffer.from("cc\nd"), bytes("d", [0xff])];
    expect((await rejection(chunks)).location).toEqual({ file: "list.csv", line: 4, column: 3 });
  });

  it.each([
    [[0x41, 0xc3, 0xa9], -1],
    [[0x41, 0xe9, 0x41], 1],
    [[0xf0, 0x8f, 0xbf, 0xbf], 0],
    [[0xf0, 0x9f, 0x98, 0x80, 0xc3], 4],
  ])("firstInvalidUtf8(%j) is %i", (input, offset) => {
    expect(firstInvalidUtf8(Uint8Array.from(input))).toBe(offset);
  });
});

describe("through openInput", () => {
  const dir = makeTempDir();
  afterAll(() => dir.remove());

  it.each<[InputFormat, Buffer, number, number]>([
    ["csv", bytes("to,body\n+12025550100,ok\n+12025550101,na", [0xef], "ve\n"), 3, 16],
    ["json", bytes('[\n  {"to": "+1", "body": "', [0xff], '"}\n]'), 2, 25],
    ["ndjson", bytes('{"to": "+1"}\n{"to": "', [0xc3, 0x28], '"}\n'), 2, 9],
  ])("stops a %s file at the first bad byte", async (format, content, line, column) => {
    const path = join(dir.path, `bad.${format}`);
    writeFileSync(path, content);
    const input = openInput({ path });
    const error = await (async () => {
      for await (const _ of input.records) {
        // records before the bad byte may arrive; the error is what counts
      }
    })().then(
      () => undefined,
      (thrown: unknown) => thrown as InputError,
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error?.location).toEqual({ file: path, line, column });
    expect(error?.message).toMatch(/not valid UTF-8/);
  });
});
