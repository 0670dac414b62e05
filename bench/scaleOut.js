// Scale-out benchmark: 1, 2 and 4 `send` processes of one account on one PostgreSQL journal at
// the account's target rate: workers of one run (the same list), and senders of a run each (a
// list of their own); next to one process on a SQLite journal at the same targets. Judged by the arrival times at the simulator: achieved
// rate / target, the worst 1 s window / (rate + burst), and (To, Body) pairs created twice.
//
//   BENCH_ONLY=scale node bench/run.js   (only this part; needs PostgreSQL's initdb and pg_ctl)
//
// The throwaway cluster is the test suite's (test/support/postgresCluster.ts, compiled by
// `npm run bench` into .tmp/bench): durability off, so the journal's commits cost less than on
// a real server; the limiter's reservations are what is measured.

import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startSimulator } from "../dist/simulator/startSimulator.js";
import { cpuPerMessage, cpuSample } from "./cpuSampler.js";
import { analyse } from "./measures.js";

const BIN = fileURLToPath(new URL("../bin/twilio-bulk.js", import.meta.url));
const CLUSTER = new URL("../.tmp/bench/test/support/postgresCluster.js", import.meta.url);
const TARGETS = [500, 2000];
const WORKERS = [1, 2, 4];
const BURST = 10;
const SECONDS = Number(process.env.BENCH_SCALE ?? 1) * 5;
const FROM = "+15005550006";

export async function scaleOutBench() {
  const { findPostgresBin, startPostgresCluster } = await import(CLUSTER.href);
  const bin = findPostgresBin();
  if (!bin) {
    console.log("Scale-out: skipped (no PostgreSQL server binaries: apt-get install postgresql).");
    return;
  }
  const cluster = await startPostgresCluster(bin);
  const dir = await mkdtemp(join(tmpdir(), "twilio-bulk-scale-"));
  console.log(
    `\nScale-out: one account's rate across send processes, burst ${BURST}, ~${SECONDS} s of rows per case.`,
  );
  console.log(
    `${"journal".padEnd(10)} ${"procs".padStart(5)} ${"target/s".padStart(8)} ${"achieved/s".padStart(10)} ` +
      `${"ratio".padStart(6)} ${"worst 1s".padStart(8)} ${"/(r+b)".padStart(6)} ${"dupes".padStart(5)} ` +
      `${"send ms".padStart(7)} ${"sim ms".padStart(7)} ${"pg ms".padStart(7)} ${"cores".padStart(6)}`,
  );
  let db = 0;
  try {
    for (const rate of TARGETS) {
      for (const workers of WORKERS) {
        for (const oneRun of [true, false]) {
          if (workers === 1 && !oneRun) continue; // The same case.
          const journal = await freshDatabase(cluster.url, `bench_${++db}`);
          const label = oneRun ? "pg 1 run" : "pg N runs";
          print(await runCase({ dir, journal, rate, workers, label, oneRun }));
        }
      }
      const journal = join(dir, `journal-${rate}.db`);
      print(await runCase({ dir, journal, rate, workers: 1, label: "sqlite" }));
    }
    console.log(
      "send / sim / pg ms: CPU ms per message created, of the senders (start-up and pre-flight\n" +
        "included), the simulator and PostgreSQL; cores: the CPU the target needs at that cost\n" +
        `(this machine has ${cpus().length}: where cores is near or above it, the rate is CPU-bound).`,
    );
  } finally {
    cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function runCase({ dir, journal, rate, workers, label, oneRun = false }) {
  const sim = await startSimulator({ latencyMs: 20 });
  const total = Math.round(rate * SECONDS);
  try {
    const lists = await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        if (oneRun) {
          // Every worker is given the same list: the first pre-flights it, the others join.
          const path = join(dir, `list-${label}-${rate}-${workers}.csv`.replaceAll(" ", "-"));
          if (w === 0) {
            const lines = Array.from({ length: total }, (_, i) => `+1415${2_000_000 + i},row ${i}`);
            await writeFile(path, `to,body\n${lines.join("\n")}\n`);
          }
          return path;
        }
        const path = join(dir, `list-${label}-${rate}-${workers}-${w}.csv`.replaceAll(" ", "-"));
        const lines = [];
        for (let i = w; i < total; i += workers) lines.push(`+1415${2_000_000 + i},w${w} row ${i}`);
        await writeFile(path, `to,body\n${lines.join("\n")}\n`);
        return path;
      }),
    );
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TWILIO_ACCOUNT_SID: sim.accountSid,
      TWILIO_AUTH_TOKEN: sim.authToken,
      TWILIO_BULK_JOURNAL: journal,
    };
    const concurrency = String(Math.ceil(rate * 0.05) + 10);
    const before = cpuSample();
    const codes = await Promise.all(
      lists.map((list) =>
        child(
          [
            BIN,
            "send",
            list,
            "--from",
            FROM,
            "--rate",
            String(rate),
            "--burst",
            String(BURST),
          ].concat(["--concurrency", concurrency, "--api-url", sim.url]),
          env,
        ),
      ),
    );
    const after = cpuSample();
    const creates = sim.creates().filter((c) => c.outcome === "created");
    const keys = new Set(creates.map((c) => `${c.to}|${c.body}`));
    return {
      label,
      workers,
      rate,
      codes,
      duplicates: creates.length - keys.size,
      missing: total - keys.size,
      cpu: cpuPerMessage(before, after, creates.length, rate),
      ...analyse(
        creates.map((c) => c.at),
        rate,
        BURST,
      ),
    };
  } finally {
    await sim.close();
  }
}

/** ms of CPU per message, as a column. */
const ms = (value) => value.toFixed(3).padStart(7);

function print(r) {
  const failed = r.codes.some((code) => code !== 0) ? `  exit codes ${r.codes.join(",")}` : "";
  const missing = r.missing > 0 ? `  ${r.missing} rows not created` : "";
  console.log(
    `${r.label.padEnd(10)} ${String(r.workers).padStart(5)} ${String(r.rate).padStart(8)} ` +
      `${r.achieved.toFixed(1).padStart(10)} ${r.ratio.toFixed(3).padStart(6)} ${String(r.worst1s).padStart(8)} ` +
      `${r.worst1sRatio.toFixed(3).padStart(6)} ${String(r.duplicates).padStart(5)} ` +
      `${ms(r.cpu.senders)} ${ms(r.cpu.simulator)} ${ms(r.cpu.postgres)} ` +
      `${r.cpu.coresAtTarget.toFixed(2).padStart(6)}${failed}${missing}`,
  );
}

async function freshDatabase(url, name) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.href;
}

function child(args, env) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    // Every case stops by itself: a sender still running after this is a hang, not a result.
    const timer = setTimeout(() => proc.kill("SIGKILL"), 120_000);
    proc.on("error", reject);
    proc.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) process.stderr.write(stderr.slice(-500));
      resolve(code);
    });
  });
}
