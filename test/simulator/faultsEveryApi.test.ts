import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { callsPath, FLOW, get, SERVICE, useSimulators } from "./simulatorClient.js";

const start = useSimulators();

/** One metered request per API, as raw HTTP, each settling to its status or "network error". */
const REQUESTS: Record<string, (sim: RunningSimulator) => Promise<string>> = {
  calls: (sim) =>
    send(sim, "POST", callsPath(sim), {
      To: "+12025550100",
      From: "+15005550006",
      Url: "https://e.x/t",
    }),
  lookup: (sim) =>
    send(sim, "GET", "/v2/PhoneNumbers/%2B12025550100?Fields=line_type_intelligence"),
  verify: (sim) =>
    send(sim, "POST", `/v2/Services/${SERVICE}/Verifications`, {
      To: "+12025550100",
      Channel: "sms",
    }),
  studio: (sim) =>
    send(sim, "POST", `/v2/Flows/${FLOW}/Executions`, { To: "+12025550100", From: "+15005550006" }),
};

async function send(
  sim: RunningSimulator,
  method: string,
  path: string,
  fields?: Record<string, string>,
): Promise<string> {
  const authorization = `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString("base64")}`;
  try {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: { Authorization: authorization },
      body: fields && new URLSearchParams(fields),
    });
    await response.arrayBuffer();
    return String(response.status);
  } catch {
    return "network error";
  }
}

function created(sim: RunningSimulator): number {
  return sim.calls().length + sim.verifications().length + sim.executions().length;
}

describe.each(Object.keys(REQUESTS))("faults and limits for %s", (api) => {
  const request = REQUESTS[api]!;

  it("resets without creating", async () => {
    const sim = await start({ resetRate: 1 });
    expect(await request(sim)).toBe("network error");
    expect(sim.creates()).toMatchObject([{ api, outcome: "reset", httpStatus: null }]);
    expect(created(sim)).toBe(0);
  });

  it("drops the answer after doing the work", async () => {
    const sim = await start({ dropRate: 1 });
    expect(await request(sim)).toBe("network error");
    expect(sim.creates()).toMatchObject([{ api, outcome: "dropped" }]);
    expect(created(sim)).toBe(api === "lookup" ? 0 : 1);
  });

  it("answers 500 20500, having created half the time", async () => {
    const sim = await start({ serverErrorRate: 1, seed: 3 });
    const answers = [];
    for (let i = 0; i < 6; i++) {
      answers.push(await request(sim));
      sim.finalize(); // a Studio execution created behind a 500 would make the next one a 409
    }
    expect(answers).toEqual(Array(6).fill("500"));
    const withSid = sim.creates().filter((c) => c.sid !== null).length;
    expect(sim.creates().every((c) => c.outcome === "500" && c.code === 20500)).toBe(true);
    if (api === "lookup") expect(withSid).toBe(0);
    else expect(created(sim)).toBe(withSid);
  });

  it("answers 429 20429 beyond the concurrency limit and beyond its own mps, leaving other APIs alone", async () => {
    const sim = await start({ mps: 1, retryAfterSeconds: 2 });
    // Studio's contact rule would refuse a second execution to one To; end it first.
    expect(await request(sim)).toMatch(/^20[01]$/);
    sim.finalize();
    expect(await request(sim)).toBe("429");
    expect(sim.creates().at(-1)).toMatchObject({ api, outcome: "429", code: 20429 });
    const other = api === "calls" ? REQUESTS.lookup! : REQUESTS.calls!;
    expect(await other(sim)).toMatch(/^20[01]$/);

    const busy = await start({ concurrency: 1, latencyMs: 300 });
    const both = await Promise.all([request(busy), request(busy)]);
    expect(both.filter((status) => status === "429")).toHaveLength(1);
    expect(both.filter((status) => /^20[01]$/.test(status))).toHaveLength(1);
  });
});

describe("Studio's own REST cap", () => {
  it("defaults to Twilio's 20 executions/s, is configurable and refuses beyond it with 20429", async () => {
    const sim = await start();
    expect((await get(sim, "/_sim/options")).body.studioMps).toBe(20);
    sim.setOptions({ studioMps: 2 });
    const answers = await Promise.all(
      [0, 1, 2].map((i) =>
        send(sim, "POST", `/v2/Flows/${FLOW}/Executions`, {
          To: `+1202555010${i}`,
          From: "+15005550006",
        }),
      ),
    );
    expect(answers.sort()).toEqual(["201", "201", "429"]);
    expect(() => sim.setOptions({ studioMps: 0 })).toThrow(/studioMps/);
    sim.setOptions({ studioMps: null });
    expect((await get(sim, "/_sim/options")).body.studioMps).toBe(20);
  });
});
