import { createHash } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExitCode, UsageError } from "../../src/errors.js";
import { type InputFormat, openInput } from "../../src/input/openInput.js";
import { FIXTURES, failure, readAll } from "../support/readInput.js";
import { makeTempDir } from "../support/tempDir.js";

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

describe("format", () => {
  it.each<[string, InputFormat | undefined, InputFormat]>([
    ["list.csv", undefined, "csv"],
    ["LIST.CSV", undefined, "csv"],
    ["list.json", undefined, "json"],
    ["list.ndjson", undefined, "ndjson"],
    ["list.jsonl", undefined, "ndjson"],
    ["list.csv", "ndjson", "ndjson"],
    ["-", "json", "json"],
    ["list.txt", "csv", "csv"],
  ])("%s with --format %s is %s", (path, format, expected) => {
    expect(openInput({ path }, format ? { format } : {}).format).toBe(expected);
  });

  it.each(["-", "list.txt", "list"])("%s without --format is a usage error", (path) => {
    const open = () => openInput({ path });
    expect(open).toThrow(UsageError);
    expect(open).toThrow(/cannot tell the format/);
    try {
      open();
    } catch (error) {
      expect((error as UsageError).exitCode).toBe(ExitCode.usage);
      expect((error as UsageError).hint).toMatch(/--format/);
    }
  });
});

describe("opening", () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => dir.remove());

  it("reports a missing file when iterated, not when opened, with exit 66", async () => {
    const input = openInput({ path: "nope.csv", cwd: dir.path });
    const error = await failure(input);
    expect(error.exitCode).toBe(ExitCode.noInput);
    expect(error.message).toBe("nope.csv: no such file");
  });

  it("reports a directory with exit 66", async () => {
    const error = await failure(openInput({ path: dir.path }, { format: "csv" }));
    expect(error.exitCode).toBe(ExitCode.noInput);
    expect(error.message).toMatch(/is a directory/);
  });

  it.skipIf(process.getuid?.() === 0)("reports an unreadable file with exit 66", async () => {
    const path = join(dir.path, "secret.csv");
    writeFileSync(path, "to\n+12025550100\n");
    chmodSync(path, 0o000);
    const error = await failure(openInput({ path }));
    expect(error.exitCode).toBe(ExitCode.noInput);
    expect(error.message).toMatch(/permission denied/);
  });

  it.each([
    ["EACCES", ExitCode.noInput, /permission denied/],
    ["EISDIR", ExitCode.noInput, /is a directory/],
    ["EIO", ExitCode.ioErr, /reading failed \(EIO\)/],
  ])("maps a read error %s to an InputError (exit %i)", async (code, exitCode, message) => {
    const stdin = new Readable({
      read() {
        this.destroy(Object.assign(new Error(`${code}: raw`), { code, syscall: "read" }));
      },
    });
    const error = await failure(openInput({ path: "-", stdin }, { format: "csv" }));
    expect(error.exitCode).toBe(exitCode);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/raw/);
  });

  it("resolves a relative path against cwd and names it as given", async () => {
    writeFileSync(join(dir.path, "list.csv"), "to\n+12025550100\n");
    const records = await readAll(openInput({ path: "list.csv", cwd: dir.path }));
    expect(records).toEqual([{ line: 2, fields: { to: "+12025550100" } }]);
  });
});

describe("stdin", () => {
  it("reads `-` from the given stream", async () => {
    const stdin = Readable.from(["to,body\n+12025550100,", "hello\n+12025550101,again\n"]);
    const input = openInput({ path: "-", stdin }, { format: "csv" });
    expect(await readAll(input)).toEqual([
      { line: 2, fields: { to: "+12025550100", body: "hello" } },
      { line: 3, fields: { to: "+12025550101", body: "again" } },
    ]);
    const bytes = "to,body\n+12025550100,hello\n+12025550101,again\n";
    expect(input.digest()).toBe(sha256(bytes));
    expect(input.bytesRead()).toBe(Buffer.byteLength(bytes));
  });

  it("keeps a character split across chunks whole", async () => {
    const bytes = Buffer.from('[{"to": "+12025550100", "body": "€ and 😀"}]');
    const cut = bytes.indexOf(Buffer.from("😀")) + 2;
    const stdin = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]);
    const input = openInput({ path: "-", stdin }, { format: "json" });
    expect((await readAll(input))[0]?.fields.body).toBe("€ and 😀");
    expect(input.digest()).toBe(sha256(bytes));
  });

  it("names stdin in errors", async () => {
    const stdin = Readable.from(["phone\n+12025550100\n"]);
    const error = await failure(openInput({ path: "-", stdin }, { format: "csv" }));
    expect(error.message).toMatch(/^<stdin>:1: no `to` column/);
  });
});

describe("digest", () => {
  it.each(["quoted.csv", "bom-crlf.csv", "records.json", "records.ndjson"])(
    "is the sha256 of every byte of %s",
    async (name) => {
      const path = join(FIXTURES, name);
      const input = openInput({ path });
      await readAll(input);
      expect(input.digest()).toBe(sha256(readFileSync(path)));
      expect(input.bytesRead()).toBe(readFileSync(path).length);
    },
  );

  it("is refused before the input was read to its end", async () => {
    const input = openInput({ path: join(FIXTURES, "quoted.csv") });
    expect(() => input.digest()).toThrow(/read to its end/);
    for await (const _ of input.records) break;
    expect(() => input.digest()).toThrow(/read to its end/);
  });
});
