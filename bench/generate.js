// Memory benchmark for `twilio-bulk generate`: the list is written as it is made, so peak RSS
// must not grow with the number of rows. Each size runs in a fresh child process (peak RSS is
// per process), writing to a sink that throws the bytes away; printed side by side as ratios.
//
//   npm run bench:generate               (builds dist/ first)
//   BENCH_ROWS=2000000 node bench/generate.js

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const SMALL = 10_000;
const LARGE = Number(process.env.BENCH_ROWS ?? 1_000_000);
const FORMATS = ["csv", "json", "ndjson"];

const child = `
  import { Writable } from "node:stream";
  import { generate, parseGenerateOptions } from "${fileURLToPath(new URL("../dist/commands/generate.js", import.meta.url))}";
  let bytes = 0;
  const sink = new Writable({ write(chunk, _e, done) { bytes += chunk.length; done(); } });
  const [rows, format] = process.argv.slice(-2);
  const started = performance.now();
  const code = await generate(parseGenerateOptions({ rows, format }), {
    stdout: sink, stderr: process.stderr, signal: new AbortController().signal,
  });
  const ms = performance.now() - started;
  console.log(JSON.stringify({ code, bytes, ms, maxRssKb: process.resourceUsage().maxRSS }));
`;

function measure(rows, format) {
  const out = execFileSync(process.execPath, [
    "--input-type=module",
    "-e",
    child,
    "--",
    String(rows),
    format,
  ]);
  return JSON.parse(out.toString("utf8"));
}

console.log(`generate: ${SMALL} vs ${LARGE} rows, peak RSS of a fresh process each`);
for (const format of FORMATS) {
  const small = measure(SMALL, format);
  const large = measure(LARGE, format);
  const rssRatio = large.maxRssKb / small.maxRssKb;
  const rate = Math.round(LARGE / (large.ms / 1000));
  console.log(
    `${format.padEnd(6)} RSS ${Math.round(small.maxRssKb / 1024)} MB → ${Math.round(large.maxRssKb / 1024)} MB ` +
      `(×${rssRatio.toFixed(2)} for ×${LARGE / SMALL} rows, ${Math.round(large.bytes / 1e6)} MB written), ${rate} rows/s`,
  );
}
