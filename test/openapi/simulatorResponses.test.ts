import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { FLOW, type Json, SERVICE, useSimulators } from "../simulator/simulatorClient.js";
import { schemaProblems, specOperation } from "./twilioSpec.js";

const start = useSimulators();

type Exchange = { method: string; path: string; fields?: Record<string, string> };

async function exchange(sim: RunningSimulator, { method, path, fields }: Exchange) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      Authorization: `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString("base64")}`,
    },
    body: fields && new URLSearchParams(fields),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

/** The simulator's answer judged by the spec of its path and method. */
async function judge(sim: RunningSimulator, request: Exchange) {
  const { status, body } = await exchange(sim, request);
  const op = specOperation(request.method, request.path.split("?")[0]!);
  expect(op, `${request.method} ${request.path} is in Twilio's spec`).toBeDefined();
  expect([...op!.responses.keys()], `${request.method} ${request.path}`).toContain(status);
  expect(schemaProblems(body, op!.responses.get(status), op!)).toEqual([]);
  return body;
}

const FROM = "+15005550006";
const TO = "+12025550100";

describe("the simulator's answers carry what Twilio's OpenAPI description declares", () => {
  it("Messages: create, fetch, list", async () => {
    const sim = await start();
    const base = `/2010-04-01/Accounts/${sim.accountSid}/Messages`;
    const created = await judge(sim, {
      method: "POST",
      path: `${base}.json`,
      fields: { To: TO, From: FROM, Body: "hi" },
    });
    await judge(sim, { method: "GET", path: `${base}/${created.sid}.json` });
    await judge(sim, { method: "GET", path: `${base}.json?To=%2B12025550100&PageSize=1` });
  });

  it("Calls: create, fetch, list (queued and completed)", async () => {
    const sim = await start();
    const base = `/2010-04-01/Accounts/${sim.accountSid}/Calls`;
    const fields = { To: TO, From: FROM, Url: "https://example.com/twiml" };
    const created = await judge(sim, { method: "POST", path: `${base}.json`, fields });
    await judge(sim, { method: "POST", path: `${base}.json`, fields });
    sim.setStatus(created.sid, "completed");
    await judge(sim, { method: "GET", path: `${base}/${created.sid}.json` });
    await judge(sim, { method: "GET", path: `${base}.json?PageSize=1` });
  });

  it("Lookup: a valid number with line type, an invalid one, one without Fields", async () => {
    const sim = await start();
    const fields = "?Fields=line_type_intelligence";
    await judge(sim, { method: "GET", path: `/v2/PhoneNumbers/%2B12025550100${fields}` });
    await judge(sim, { method: "GET", path: `/v2/PhoneNumbers/%2B15005550001${fields}` });
    await judge(sim, { method: "GET", path: "/v2/PhoneNumbers/%2B15005550009" });
  });

  it("Verify: create by sms and by email, fetch", async () => {
    const sim = await start();
    const path = `/v2/Services/${SERVICE}/Verifications`;
    const created = await judge(sim, { method: "POST", path, fields: { To: TO, Channel: "sms" } });
    await judge(sim, { method: "GET", path: `${path}/${created.sid}` });
    await judge(sim, { method: "POST", path, fields: { To: "ana@example.com", Channel: "email" } });
  });

  it("Studio: create, fetch and list executions", async () => {
    const sim = await start();
    const path = `/v2/Flows/${FLOW}/Executions`;
    const fields = { To: TO, From: FROM, Parameters: '{"name":"Ana"}' };
    const created = await judge(sim, { method: "POST", path, fields });
    await judge(sim, { method: "POST", path, fields: { ...fields, To: "+12025550101" } });
    await judge(sim, { method: "GET", path: `${path}/${created.sid}` });
    await judge(sim, { method: "GET", path: `${path}?PageSize=1` });
  });
});

describe("the check itself", () => {
  it("notices a missing, an undeclared, a mistyped and a malformed property", () => {
    const op = specOperation("POST", "/v2/Flows/FW1/Executions")!;
    const schema = op.responses.get(201);
    const problems = schemaProblems(
      { sid: "XX1", account_sid: 7, flow_sid: null, extra: 1, status: "running" },
      schema,
      op,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$\.sid: XX1 does not match/),
        "$.account_sid: expected string, got 7",
        "$.contact_channel_address: missing",
        "$.extra: not in the spec",
        expect.stringMatching(/^\$\.status: "running" not in active\|ended/),
      ]),
    );
  });
});
