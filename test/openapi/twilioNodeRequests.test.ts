import { afterEach, describe, expect, it } from "vitest";
import type { Fields, Operation } from "../../src/operations/operation.js";
import { OPERATIONS } from "../../src/operations/registry.js";
import { openTwilioApi } from "../../src/twilio/openTwilioApi.js";
import type { TwilioApi } from "../../src/twilio/twilioApi.js";
import { FLOW, SERVICE, useSimulators } from "../simulator/simulatorClient.js";
import { startRecordingProxy, type WireRequest } from "./recordingProxy.js";
import { specOperation } from "./twilioSpec.js";

const start = useSimulators();
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const FROM = "+15005550006";

/** Typical rows of each API, as a CSV would give them. */
const ROWS: Record<string, Fields[]> = {
  messages: [
    { to: "+12025550100", body: "Hello {{first_name}}", first_name: "Ana" },
    { to: "+12025550101", body: "See", media_url: "https://example.com/a.png" },
    {
      to: "+12025550102",
      content_sid: `HX${"d".repeat(32)}`,
      content_variables: '{"1":"Ana"}',
      messaging_service_sid: `MG${"e".repeat(32)}`,
    },
  ],
  calls: [
    { to: "+12025550100", url: "https://example.com/twiml" },
    {
      to: "+12025550101",
      twiml: "<Response><Say>Hi</Say></Response>",
      status_callback: "https://example.com/status",
      machine_detection: "Enable",
      timeout: "20",
      record: "true",
      time_limit: "60",
    },
    { to: "+12025550102", application_sid: `AP${"c".repeat(32)}` },
  ],
  lookup: [{ to: "+12025550100", fields: "line_type_intelligence" }, { to: "+15005550009" }],
  verify: [
    { to: "+12025550100", channel: "sms", verify_service_sid: SERVICE, locale: "fr" },
    { to: "ana@example.com", channel: "email", verify_service_sid: SERVICE },
  ],
  studio: [
    { to: "+12025550100", from: FROM, flow_sid: FLOW, first_name: "Ana" },
    { to: "+12025550101", from: FROM, flow_sid: FLOW, parameters: '{"order":42}' },
  ],
};

/** What in one request departs from the spec of its path and method. */
function requestProblems(request: WireRequest): string[] {
  const where = `${request.method} ${request.path}`;
  const op = specOperation(request.method, request.path);
  if (!op) return [`${where}: not in Twilio's spec`];
  const inPath = new Set([...op.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!));
  const problems: string[] = [];
  for (const name of new Set(request.query.keys())) {
    if (!op.query.has(name)) problems.push(`${where}: query parameter ${name} is not declared`);
  }
  for (const name of new Set(request.form.keys())) {
    if (!op.form.has(name)) problems.push(`${where}: form parameter ${name} is not declared`);
  }
  for (const name of op.requiredQuery) {
    if (!inPath.has(name) && !request.query.has(name)) {
      problems.push(`${where}: required query parameter ${name} is missing`);
    }
  }
  for (const name of op.requiredForm) {
    if (!request.form.has(name))
      problems.push(`${where}: required form parameter ${name} is missing`);
  }
  return problems;
}

async function setUp(): Promise<{ api: TwilioApi; seen: WireRequest[] }> {
  const sim = await start();
  const proxy = await startRecordingProxy(sim.url);
  closers.push(proxy.close);
  const api = openTwilioApi({
    credentials: {
      accountSid: sim.accountSid,
      username: sim.accountSid,
      password: sim.authToken,
      region: undefined,
      edge: undefined,
    },
    apiUrl: new URL(proxy.url),
    timeoutMs: 10_000,
    concurrency: 1,
    userAgent: "twilio-bulk-test",
  });
  closers.push(() => api.close());
  return { api, seen: proxy.seen };
}

describe("what twilio-node sends for each operation is what Twilio's spec declares", () => {
  it.each(Object.keys(ROWS))("%s: every built request, and reconcile's search", async (name) => {
    const op = OPERATIONS[name] as Operation;
    const { api, seen } = await setUp();
    for (const row of ROWS[name]!) {
      const built = op.build(row, { from: FROM, options: {} });
      if (!built.ok) throw new Error(`${name} row ${JSON.stringify(row)}: ${built.reason}`);
      const result = await op.send(api, built.request);
      expect(result, JSON.stringify(row)).toMatchObject({ kind: "response" });
      expect(result.kind === "response" && result.status).toBeGreaterThanOrEqual(200);
      expect(result.kind === "response" && result.status).toBeLessThan(300);
      if (op.reconcile.kind === "search") {
        const now = Date.now();
        const query = {
          request: built.request,
          to: built.to,
          from: now - 60_000,
          until: now + 60_000,
          limit: 1000,
        };
        const found = await op.reconcile.find(api, query);
        expect(
          found.some(
            (remote) => op.reconcile.kind === "search" && op.reconcile.match(built.request, remote),
          ),
        ).toBe(true);
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(ROWS[name]!.length);
    expect(seen.flatMap(requestProblems)).toEqual([]);
  });

  it("lists and fetches, as reconcile and status make them", async () => {
    const { api, seen } = await setUp();
    const since = new Date(Date.now() - 60_000);
    const message = await api.client.messages.create({ to: "+12025550100", from: FROM, body: "x" });
    await api.client.messages(message.sid).fetch();
    await api.client.messages.list({
      to: "+12025550100",
      from: FROM,
      dateSentAfter: since,
      pageSize: 1000,
    });
    const call = await api.client.calls.create({
      to: "+12025550100",
      from: FROM,
      url: "https://e.x/t",
    });
    await api.client.calls(call.sid).fetch();
    await api.client.calls.list({ to: "+12025550100", startTimeAfter: since, status: "queued" });
    await api.client.studio.v2
      .flows(FLOW)
      .executions.list({ dateCreatedFrom: since, dateCreatedTo: new Date() });
    expect(seen).toHaveLength(7);
    expect(seen.flatMap(requestProblems)).toEqual([]);
  });

  it("the check itself notices an undeclared and a missing required parameter", () => {
    const problems = requestProblems({
      method: "POST",
      path: `/v2/Flows/${FLOW}/Executions`,
      query: new URLSearchParams(),
      form: new URLSearchParams({ To: "+1", Params: "{}" }),
    });
    expect(problems).toEqual([
      `POST /v2/Flows/${FLOW}/Executions: form parameter Params is not declared`,
      `POST /v2/Flows/${FLOW}/Executions: required form parameter From is missing`,
    ]);
  });
});
