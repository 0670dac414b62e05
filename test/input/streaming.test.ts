import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InputFormat, openInput } from "../../src/input/openInput.js";
import { makeTempDir } from "../support/tempDir.js";

const ROWS = 200_000;
const BODY = "Hello {{first_name}}, this is a reminder that your appointment is tomorrow at 10:00.";

// A heap measured after a full collection shows what is retained, not what is merely garbage.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function retainedMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

function row(index: number, format: InputFormat): string {
  const to = `+1202555${String(index % 10_000).padStart(4, "0")}`;
  if (format === "csv") return `${to},Name ${index},"${BODY}"\n`;
  const object = JSON.stringify({ to, first_name: `Name ${index}`, body: BODY });
  return format === "json" ? `${index === 0 ? "[\n" : ",\n"}${object}` : `${object}\n`;
}

async function writeList(path: string, format: InputFormat): Promise<void> {
  const out = createWriteStream(path);
  if (format === "csv") out.write("to,first_name,body\n");
  for (let index = 0; index < ROWS; index++) {
    if (!out.write(row(index, format))) await once(out, "drain");
  }
  out.end(format === "json" ? "\n]\n" : "");
  await once(out, "finish");
}

describe("a 200,000-row list", () => {
  const dir = makeTempDir();
  const paths = new Map<InputFormat, string>();
  beforeAll(async () => {
    for (const format of ["csv", "json", "ndjson"] as const) {
      const path = join(dir.path, `list.${format}`);
      await writeList(path, format);
      paths.set(format, path);
    }
  });
  afterAll(() => dir.remove());

  it.each(["csv", "json", "ndjson"] as const)(
    "is read as %s without the heap growing",
    async (format) => {
      const input = openInput({ path: paths.get(format)! });
      const baseline = retainedMb();
      let peak = 0;
      let count = 0;
      let lastLine = 0;
      for await (const record of input.records) {
        count++;
        lastLine = record.line;
        if (count % 25_000 === 0) peak = Math.max(peak, retainedMb() - baseline);
      }
      expect(count).toBe(ROWS);
      expect(lastLine).toBe(format === "ndjson" ? ROWS : ROWS + 1);
      // Holding the records, or the ~20 MB file, would be well over this.
      expect(peak).toBeLessThan(50);
      expect(input.bytesRead()).toBeGreaterThan(ROWS * 100);
    },
  );
});
