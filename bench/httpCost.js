// Client CPU per create: twilio-node's own request path (axios) next to ours (node:http, in
// CapturingRequestClient), side by side in one run, against the simulator in a child process
// so that only the client's CPU is counted (process.cpuUsage counts every thread).
//
//   BENCH_ONLY=http node bench/run.js   (after npm run build; also part of npm run bench)
//
// Rounds alternate the two clients so that drift on the machine falls on both alike.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import twilio from "twilio";
import { CapturingRequestClient, rewriteOrigin } from "../dist/twilio/capturingRequestClient.js";

const BIN = fileURLToPath(new URL("../bin/twilio-bulk.js", import.meta.url));
const CREATES = Math.round(Number(process.env.BENCH_SCALE ?? 1) * 4000);
const CONCURRENCY = 32;
const ROUNDS = 3;

/** twilio-node's RequestClient as it is, only pointed at the simulator. */
class AxiosClient extends twilio.RequestClient {
  constructor(apiUrl) {
    super({ keepAlive: true, maxSockets: CONCURRENCY, autoRetry: false, timeout: 10_000 });
    this.apiUrl = apiUrl;
  }
  request(opts) {
    return super.request({ ...opts, uri: rewriteOrigin(opts.uri, this.apiUrl) });
  }
}

export async function httpCostBench() {
  const sim = await startSimulatorProcess();
  try {
    const apiUrl = new URL(sim.env.TWILIO_BULK_API_URL);
    const clients = {
      "twilio-node (axios)": () => new AxiosClient(apiUrl),
      "ours (node:http)": () =>
        new CapturingRequestClient({ apiUrl, timeoutMs: 10_000, maxSockets: CONCURRENCY }),
    };
    const cost = Object.fromEntries(Object.keys(clients).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, make] of Object.entries(clients)) {
        cost[name].push(await cpuPerCreate(make(), sim.env));
      }
    }
    console.log(
      `\nClient CPU per create: ${CREATES} creates a round at concurrency ${CONCURRENCY}, ` +
        `${ROUNDS} rounds, median.`,
    );
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const [axios, ours] = Object.values(cost).map(median);
    for (const [name, values] of Object.entries(cost)) {
      console.log(`${name.padEnd(22)} ${median(values).toFixed(0).padStart(5)} µs CPU per create`);
    }
    console.log(`ratio ours / twilio-node: ${(ours / axios).toFixed(3)}`);
  } finally {
    sim.child.kill("SIGTERM");
  }
}

async function cpuPerCreate(httpClient, env) {
  const client = twilio(env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, {
    httpClient,
    autoRetry: false,
  });
  const create = (i) =>
    client.messages.createWithHttpInfo({
      to: `+1415${String(2_000_000 + i)}`,
      from: "+15005550006",
      body: `Hi Ada your order ${100000 + i} has shipped`,
    });
  // Warm: sockets open, code optimised.
  await Promise.all(Array.from({ length: CONCURRENCY * 4 }, (_, i) => create(i)));
  const before = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CREATES) await create(next++);
    }),
  );
  const used = process.cpuUsage(before);
  httpClient.destroy?.();
  return (used.user + used.system) / CREATES;
}

async function startSimulatorProcess() {
  const child = spawn(process.execPath, [BIN, "simulate", "--port", "0", "--duration", "600"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let out = "";
  const env = await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("TWILIO_AUTH_TOKEN=") && out.endsWith("\n")) {
        resolve(
          Object.fromEntries(
            out
              .trim()
              .split("\n")
              .map((line) => line.split("=")),
          ),
        );
      }
    });
    child.on("exit", (code) => reject(new Error(`simulator exited (${code})`)));
  });
  return { child, env };
}
