// Pre-flight benchmark: how fast `send` reads a list into the journal before its first message,
// and how much memory and journal it takes, next to csv-parse reading the same file alone.
// Each measurement runs in a child process of its own, so its peak RSS is its own.
//
//   node bench/preflight.js                  (after npm run build; also part of npm run bench)
//   BENCH_PREFLIGHT_ROWS=100000 node bench/preflight.js
//
// The lists are generated: ~57-byte rows (to, name, body) with numbers in scattered order (a
// list sorted by number would flatter every index), one row in 200 invalid and one in 250 a
// duplicate of the row before it.

import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SIZES = (process.env.BENCH_PREFLIGHT_ROWS ?? "100000,1000000").split(",").map(Number);
const FROM = "+15005550006";

async function writeList(path, rows) {
  const out = createWriteStream(path);
  out.write("to,name,body\n");
  let chunk = "";
  let previous = "";
  for (let i = 0; i < rows; i++) {
    let line;
    if (i % 250 === 249) line = previous;
    else if (i % 200 === 199)
      line = `not a number,Bo${i % 1000},Hi Bo your order ${100000 + i} has shipped`;
    else {
      // 611953 is prime and coprime with 10^6: distinct numbers, in no order an index likes.
      const number = 2_000_000 + ((i * 611_953) % 1_000_000);
      line = `+1415${number},Ada${i % 1000},Hi Ada your order ${100000 + i} has shipped`;
    }
    previous = line;
    chunk += `${line}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}

// ── Children: one measurement each, printed as one JSON line ─────────────────────────────────

async function csvParseAlone(file) {
  const { parse } = await import("csv-parse");
  let rows = 0;
  const began = performance.now();
  for await (const _ of createReadStream(file).pipe(parse({ bom: true, columns: true }))) rows++;
  return { rows, ms: performance.now() - began };
}

async function ourPreflight(file, journalPath) {
  const { Journal } = await import("../dist/journal/journal.js");
  const { prepareRun } = await import("../dist/pipeline/prepareRun.js");
  const began = performance.now();
  const journal = await Journal.open(journalPath);
  const prepared = await prepareRun(journal, {
    input: file,
    stdin: process.stdin,
    cwd: process.cwd(),
    format: undefined,
    sending: {
      toColumn: "to",
      body: null,
      from: FROM,
      messagingServiceSid: null,
      defaultCountry: null,
      allowDuplicates: false,
    },
    defaults: { api: "messages", options: {}, from: FROM, toColumn: "to", now: new Date() },
    name: undefined,
    newRun: true,
    options: {},
  });
  const ms = performance.now() - began;
  await prepared.lock.release();
  await journal.close();
  return {
    rows: prepared.run.totalRows,
    plan: prepared.plan,
    ms,
    journalBytes: statSync(journalPath).size,
  };
}

// ── Parent ───────────────────────────────────────────────────────────────────────────────────

function measure(kind, file, journalPath) {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), kind, file, journalPath],
    {
      encoding: "utf8",
      timeout: 15 * 60_000,
    },
  );
  if (child.status !== 0)
    throw new Error(
      `${kind} failed (${child.status ?? child.signal}): ${child.stderr.slice(0, 500)}`,
    );
  return JSON.parse(child.stdout.trim().split("\n").at(-1));
}

export async function preflightBench() {
  const dir = await mkdtemp(join(tmpdir(), "twilio-bulk-preflight-"));
  try {
    console.log(
      "Pre-flight benchmark: each row read, checked and journaled, next to csv-parse alone reading" +
        "\nthe same file; one child process per measurement (peak RSS is that process's).\n",
    );
    const header = [
      "rows",
      "csv-parse rows/s",
      "pre-flight rows/s",
      "ratio",
      "csv-parse MB",
      "pre-flight MB",
      "ratio",
      "CPU ratio",
      "journal B/row",
      "input B/row",
    ];
    const widths = [9, 17, 18, 7, 13, 14, 7, 10, 14, 12];
    console.log(header.map((h, i) => h.padStart(widths[i])).join(" "));
    for (const size of SIZES) {
      const file = join(dir, `list-${size}.csv`);
      await writeList(file, size);
      const journalPath = join(dir, `journal-${size}.db`);
      const csv = measure("csv-parse", file, journalPath);
      const ours = measure("preflight", file, journalPath);
      // The list is built to be 99.5 % valid: anything else means the bench measured another
      // path (every row refused is much cheaper than every row journaled as pending).
      if (ours.plan.valid < size * 0.99) {
        throw new Error(
          `pre-flight found ${ours.plan.valid} of ${size} rows valid: ${JSON.stringify(ours.plan)}`,
        );
      }
      const csvRate = (csv.rows * 1000) / csv.ms;
      const ourRate = (ours.rows * 1000) / ours.ms;
      const cells = [
        size,
        Math.round(csvRate),
        Math.round(ourRate),
        (ourRate / csvRate).toFixed(3),
        (csv.maxRssKb / 1024).toFixed(0),
        (ours.maxRssKb / 1024).toFixed(0),
        (ours.maxRssKb / csv.maxRssKb).toFixed(2),
        (ours.cpuMs / csv.cpuMs).toFixed(1),
        Math.round(ours.journalBytes / ours.rows),
        Math.round(statSync(file).size / size),
      ];
      console.log(cells.map((c, i) => String(c).padStart(widths[i])).join(" "));
      await rm(journalPath, { force: true });
      await rm(file, { force: true });
    }
    console.log(
      "\nratio = pre-flight / csv-parse alone, measured in this run; CPU ratio = the CPU time each" +
        "\nprocess used, start-up included (what other load on the machine disturbs least). The" +
        "\npre-flight also hashes the file (to find its run), normalises every number and writes" +
        "\nthe journal with its indexes.",
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const [kind, file, journalPath] = process.argv.slice(2);
if (kind === "csv-parse" || kind === "preflight") {
  const result =
    kind === "csv-parse" ? await csvParseAlone(file) : await ourPreflight(file, journalPath);
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  const cpuMs = (userCPUTime + systemCPUTime) / 1000;
  console.log(JSON.stringify({ ...result, cpuMs, maxRssKb: maxRSS }));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await preflightBench();
}
