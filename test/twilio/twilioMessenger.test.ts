import { afterEach, describe, expect, it } from "vitest";
import type { CallResult } from "../../src/core/callResult.js";
import type { SimulatorOptions } from "../../src/simulator/simulatorOptions.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/startSimulator.js";
import { rewriteOrigin } from "../../src/twilio/capturingRequestClient.js";
import type { Messenger } from "../../src/twilio/messenger.js";
import { openTwilioMessenger } from "../../src/twilio/twilioMessenger.js";
import { closedPort, FROM } from "../support/simulatorFixture.js";

// The Twilio edge against the simulator: what one create comes back as, per call, under
// concurrency, and with only the code and message of a transport error.

const open: { close(): unknown }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

async function simulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator(options);
  open.push(sim);
  return sim;
}

function messenger(
  sim: RunningSimulator,
  config: { apiUrl?: string; timeoutMs?: number; concurrency?: number; password?: string } = {},
): Messenger {
  const m = openTwilioMessenger({
    credentials: {
      accountSid: sim.accountSid,
      username: sim.accountSid,
      password: config.password ?? sim.authToken,
      region: undefined,
      edge: undefined,
    },
    apiUrl: new URL(config.apiUrl ?? sim.url),
    timeoutMs: config.timeoutMs ?? 5000,
    concurrency: config.concurrency ?? 10,
    userAgent: "twilio-bulk-test",
  });
  open.push(m);
  return m;
}

const to = (i: number) => `+1202555${String(1000 + i)}`;
const request = (i: number) => ({ to: to(i), from: FROM, body: `message ${i}` });

function expectKind<K extends CallResult["kind"]>(
  result: CallResult,
  kind: K,
): Extract<CallResult, { kind: K }> {
  expect(result.kind).toBe(kind);
  return result as Extract<CallResult, { kind: K }>;
}

describe("create", () => {
  it("gives the 201 answer's status, headers and Message body", async () => {
    const sim = await simulator();
    const result = expectKind(await messenger(sim).create(request(1)), "response");

    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ to: to(1), body: "message 1", status: "queued" });
    expect(result.headers["content-type"]).toMatch(/json/);
  });

  it("gives a Twilio error's status, code and Retry-After header", async () => {
    const sim = await simulator({ mps: 1, retryAfterSeconds: 7 });
    const m = messenger(sim);
    await m.create(request(1));
    const result = expectKind(await m.create(request(2)), "response");

    expect(result.status).toBe(429);
    expect(result.body).toMatchObject({ code: 20429 });
    expect(result.headers["retry-after"]).toBe("7");
  });

  it("keeps each concurrent call's own answer", async () => {
    const sim = await simulator({ latencyMs: 20, jitterMs: 30 });
    const m = messenger(sim, { concurrency: 30 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => m.create(request(i))));

    results.forEach((result, i) => {
      expect(expectKind(result, "response").body).toMatchObject({ to: to(i) });
    });
  });

  it.each([
    ["a refused connection", "ECONNREFUSED"],
    ["a reset", "ECONNRESET"],
    ["a timeout", "ECONNABORTED"],
  ])("reports %s as a network error with only its code and message", async (what, code) => {
    const sim = await simulator({
      resetRate: what === "a reset" ? 1 : 0,
      latencyMs: what === "a timeout" ? 2000 : 0,
    });
    const apiUrl =
      what === "a refused connection" ? `http://127.0.0.1:${await closedPort()}` : sim.url;
    const result = await messenger(sim, { apiUrl, timeoutMs: 100 }).create(request(1));

    expect(expectKind(result, "network").code).toBe(code);
    expect(Object.keys(result).sort()).toEqual(["code", "kind", "message"]);
    expect(JSON.stringify(result)).not.toMatch(/authorization|Basic |simulator-token/i);
  });
});

describe("the socket pool", () => {
  // The simulator refuses a request beyond 20 in progress. 40 calls at once, each held 500 ms:
  // a pool of 40 sockets sends them all at once and meets the limit; a pool of 20 queues the
  // rest behind the answers and never does.
  async function refusalsWithPool(concurrency: number): Promise<number> {
    const sim = await simulator({ concurrency: 20, latencyMs: 500 });
    const m = messenger(sim, { concurrency });
    await Promise.all(Array.from({ length: 40 }, (_, i) => m.create(request(i))));
    return sim.creates().filter((c) => c.outcome === "429").length;
  }

  it("is sized to the concurrency, beyond twilio-node's 20", async () => {
    expect(await refusalsWithPool(40)).toBeGreaterThan(0);
  });

  it("holds no more sockets than the concurrency", async () => {
    expect(await refusalsWithPool(20)).toBe(0);
  });
});

describe("rewriteOrigin", () => {
  it.each([
    ["http://127.0.0.1:4010", "http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json"],
    ["http://127.0.0.1:4010/", "http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json"],
    ["https://gw.example/tw", "https://gw.example/tw/2010-04-01/Accounts/AC1/Messages.json"],
    ["https://gw.example/tw//", "https://gw.example/tw/2010-04-01/Accounts/AC1/Messages.json"],
  ])("sends Twilio's path under %s as %s", (apiUrl, expected) => {
    const uri = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json";
    expect(rewriteOrigin(uri, new URL(apiUrl))).toBe(expected);
  });

  it("keeps the query string", () => {
    const uri = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?To=%2B1&PageSize=50";
    expect(rewriteOrigin(uri, new URL("http://127.0.0.1:1/p"))).toBe(
      "http://127.0.0.1:1/p/2010-04-01/Accounts/AC1/Messages.json?To=%2B1&PageSize=50",
    );
  });
});
