import http from "node:http";
import { PassThrough } from "node:stream";
import twilio from "twilio";
import RequestClient from "twilio/lib/base/RequestClient.js";
import { afterEach, describe, expect, it } from "vitest";
import { parseSimulateOptions, simulate } from "../src/commands/simulate.js";
import { systemClock } from "../src/core/clock.js";
import type { CreateRecord } from "../src/simulator/createRecord.js";
import type { SimulatorOptions } from "../src/simulator/simulatorOptions.js";
import { type RunningSimulator, startSimulator } from "../src/simulator/startSimulator.js";

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator(options);
  running.push(sim);
  return sim;
}

const RFC2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
const OK = { To: "+15551230001", From: "+15005550006", Body: "Hello" };

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

function messagesPath(sim: RunningSimulator, accountSid = sim.accountSid): string {
  return `${sim.url}/2010-04-01/Accounts/${accountSid}/Messages.json`;
}

async function create(
  sim: RunningSimulator,
  fields: Record<string, string | string[]>,
  init: { authorization?: string; accountSid?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const one of [value].flat()) form.append(key, one);
  }
  const response = await fetch(messagesPath(sim, init.accountSid), {
    method: "POST",
    headers: { Authorization: init.authorization ?? basic(sim.accountSid, sim.authToken) },
    body: form,
  });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, body, headers: response.headers };
}

// biome-ignore lint/suspicious/noExplicitAny: JSON off the wire, which the tests check with expect().
type Json = any;

async function get(sim: RunningSimulator, path: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${sim.url}${path}`, {
    headers: { Authorization: basic(sim.accountSid, sim.authToken) },
  });
  return { status: response.status, body: await response.json() };
}

async function control(
  sim: RunningSimulator,
  name: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${sim.url}/_sim/${name}`, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** twilio-node has no base-URL option: point its requests at the simulator instead. */
class LocalRequestClient extends RequestClient {
  constructor(private readonly origin: string) {
    super();
  }
  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const url = new URL(opts.uri);
    return super.request({ ...opts, uri: `${this.origin}${url.pathname}${url.search}` });
  }
}

function twilioClient(sim: RunningSimulator, user = sim.accountSid, password = sim.authToken) {
  return twilio(user, password, {
    accountSid: sim.accountSid,
    httpClient: new LocalRequestClient(sim.url),
    autoRetry: false,
  });
}

describe("create", () => {
  it("answers 201 with Twilio's Message JSON", async () => {
    const sim = await start();
    const { status, body } = await create(sim, OK);
    expect(status).toBe(201);
    expect(body).toMatchObject({
      account_sid: sim.accountSid,
      api_version: "2010-04-01",
      to: "+15551230001",
      from: "+15005550006",
      messaging_service_sid: null,
      body: "Hello",
      status: "queued",
      num_segments: "1",
      num_media: "0",
      direction: "outbound-api",
      price: null,
      error_code: null,
      error_message: null,
      date_sent: null,
    });
    expect(body.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(body.uri).toBe(`/2010-04-01/Accounts/${sim.accountSid}/Messages/${body.sid}.json`);
    expect(body.date_created).toMatch(RFC2822);
    expect(body.date_updated).toMatch(RFC2822);
    expect(body.subresource_uris).toMatchObject({
      media: `/2010-04-01/Accounts/${sim.accountSid}/Messages/${body.sid}/Media.json`,
    });
    expect(sim.messages().map((m) => m.sid)).toEqual([body.sid]);
    expect(sim.creates()).toMatchObject([
      { outcome: "created", httpStatus: 201, code: null, sid: body.sid, to: OK.To, body: "Hello" },
    ]);
  });

  it("is accepted with a Messaging Service, scheduled with SendAt, and counts media and segments", async () => {
    const sim = await start();
    const service = {
      To: OK.To,
      MessagingServiceSid: `MG${"a".repeat(32)}`,
      Body: "x".repeat(161),
    };
    const accepted = await create(sim, service);
    expect(accepted.body).toMatchObject({ status: "accepted", from: null, num_segments: "2" });
    const sendAt = new Date(Date.now() + 3600_000).toISOString();
    const scheduled = await create(sim, { ...service, SendAt: sendAt, ScheduleType: "fixed" });
    expect(scheduled.body).toMatchObject({ status: "scheduled" });
    const media = ["https://example.com/a.png", "https://example.com/b.png"];
    const mms = await create(sim, { To: OK.To, From: OK.From, MediaUrl: media });
    expect(mms.status).toBe(201);
    expect(mms.body).toMatchObject({ num_media: "2", body: "" });
    expect(sim.messages()[2]?.mediaUrls).toEqual(media);
    const unicode = await create(sim, { ...OK, Body: "é€ 😀".repeat(20) });
    expect(unicode.body.num_segments).toBe("2");
  });

  const soon = () => new Date(Date.now() + 60_000).toISOString();
  const MG = `MG${"0".repeat(32)}`;
  it.each([
    ["missing To", { From: OK.From, Body: "x" }, 21604],
    ["missing From and MessagingServiceSid", { To: OK.To, Body: "x" }, 21603],
    ["missing Body and MediaUrl", { To: OK.To, From: OK.From }, 21602],
    ["Body over 1600 characters", { ...OK, Body: "x".repeat(1601) }, 21617],
    ["SendAt without MessagingServiceSid", { ...OK, SendAt: "2099-01-01T00:00:00Z" }, 35118],
    [
      "ScheduleType fixed without SendAt",
      { ...OK, MessagingServiceSid: MG, ScheduleType: "fixed" },
      35111,
    ],
    ["SendAt under 300 s ahead", { ...OK, MessagingServiceSid: MG, SendAt: soon() }, 35114],
    ["ValidityPeriod out of range", { ...OK, ValidityPeriod: "36001" }, 21624],
    ["To not E.164", { ...OK, To: "5551230001" }, 21211],
    ["From +15005550001", { ...OK, From: "+15005550001" }, 21212],
    ["From +15005550007", { ...OK, From: "+15005550007" }, 21606],
    ["From +15005550008", { ...OK, From: "+15005550008" }, 21611],
    ["To +15005550001", { ...OK, To: "+15005550001" }, 21211],
    ["To +15005550002", { ...OK, To: "+15005550002" }, 21612],
    ["To +15005550003", { ...OK, To: "+15005550003" }, 21408],
    ["To +15005550004", { ...OK, To: "+15005550004" }, 21610],
    ["To +15005550009", { ...OK, To: "+15005550009" }, 21614],
  ])("refuses %s with %i", async (_name, fields, code) => {
    const sim = await start();
    const { status, body } = await create(sim, fields);
    expect(status).toBe(400);
    expect(body).toEqual({
      code,
      message: expect.any(String),
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status: 400,
    });
    expect(sim.messages()).toEqual([]);
    expect(sim.creates()).toMatchObject([
      { outcome: "rejected", httpStatus: 400, code, sid: null },
    ]);
  });

  it("accepts any other From: long codes abroad, alphanumeric senders", async () => {
    const sim = await start();
    for (const From of ["+447700900123", "ACME", "constructor", "+15005550006"]) {
      expect((await create(sim, { ...OK, From })).status).toBe(201);
    }
  });
});

describe("auth", () => {
  const authError = {
    code: 20003,
    message: "Authentication Error - invalid username",
    more_info: "https://www.twilio.com/docs/errors/20003",
    status: 401,
  };

  it.each([
    ["a wrong token", (sim: RunningSimulator) => ({ authorization: basic(sim.accountSid, "no") })],
    ["no credentials", () => ({ authorization: "" })],
    ["another account in the path", () => ({ accountSid: `AC${"1".repeat(32)}` })],
    ["an unknown API key", () => ({ authorization: basic(`SK${"9".repeat(32)}`, "secret") })],
  ])("answers 401 20003 to %s", async (_name, init) => {
    const sim = await start();
    const { status, body } = await create(sim, OK, init(sim));
    expect(status).toBe(401);
    expect(body).toEqual(authError);
    expect(sim.messages()).toEqual([]);
  });

  it("accepts an API key and its secret, also through twilio-node", async () => {
    const key = `SK${"5".repeat(32)}`;
    const sim = await start({ apiKeys: { [key]: "key-secret" } });
    expect((await create(sim, OK, { authorization: basic(key, "key-secret") })).status).toBe(201);
    const message = await twilioClient(sim, key, "key-secret").messages.create({
      to: OK.To,
      from: OK.From,
      body: "via key",
    });
    expect(message.status).toBe("queued");
  });
});

describe("fetch and list", () => {
  it("fetches a message, and 404s an unknown one", async () => {
    const sim = await start();
    const created = await create(sim, OK);
    const found = await get(
      sim,
      `/2010-04-01/Accounts/${sim.accountSid}/Messages/${created.body.sid}.json`,
    );
    expect(found).toEqual({ status: 200, body: created.body });
    const missing = await get(
      sim,
      `/2010-04-01/Accounts/${sim.accountSid}/Messages/SM${"0".repeat(32)}.json`,
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 20404, status: 404 });
  });

  it("answers unknown paths with Twilio's error JSON: 401 for another account, else 404", async () => {
    const sim = await start();
    expect((await get(sim, "/2010-04-01/Accounts/ACnope/Recordings.json")).status).toBe(401);
    const recordings = await get(sim, `/2010-04-01/Accounts/${sim.accountSid}/Recordings.json`);
    expect(recordings.status).toBe(404);
    const unknown = await get(sim, "/v1/Services");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 20404, status: 404, more_info: expect.any(String) });
  });

  it("works with twilio-node: create, fetch, RestException, list with filters and paging", async () => {
    const sim = await start();
    const client = twilioClient(sim);
    const a = "+15551110001";
    const b = "+15551110002";
    const sids: string[] = [];
    for (let i = 0; i < 7; i++) {
      sids.push((await client.messages.create({ to: a, from: OK.From, body: `a${i}` })).sid);
    }
    for (let i = 0; i < 3; i++)
      await client.messages.create({ to: b, from: "+15551119999", body: `b${i}` });
    expect((await client.messages(sids[0]!).fetch()).body).toBe("a0");

    await expect(
      client.messages.create({ to: "+15005550004", from: OK.From, body: "x" }),
    ).rejects.toMatchObject({
      status: 400,
      code: 21610,
      moreInfo: "https://www.twilio.com/docs/errors/21610",
    });

    const toA = await client.messages.list({ to: a, pageSize: 2 });
    expect(toA.map((m) => m.sid)).toEqual([...sids].reverse());
    expect((await client.messages.list({ pageSize: 4 })).map((m) => m.body)).toEqual([
      ...["b2", "b1", "b0"],
      ...["a6", "a5", "a4", "a3", "a2", "a1", "a0"],
    ]);
    expect((await client.messages.list({ from: "+15551119999" })).map((m) => m.body)).toEqual([
      "b2",
      "b1",
      "b0",
    ]);
    expect(await client.messages.list({ to: a, limit: 3, pageSize: 2 })).toHaveLength(3);

    const page = await client.messages.page({ to: a, pageSize: 3 });
    expect(page.instances.map((m) => m.body)).toEqual(["a6", "a5", "a4"]);
    // Messages created meanwhile do not shift the pages of a walk already under way.
    await client.messages.create({ to: a, from: OK.From, body: "late" });
    const next = await page.nextPage();
    expect(next?.instances.map((m) => m.body)).toEqual(["a3", "a2", "a1"]);
    const previous = await next?.previousPage();
    expect(previous?.instances.map((m) => m.body)).toEqual(["a6", "a5", "a4"]);

    // Not sent yet: date_sent is null, so DateSent filters judge by date_created.
    const today = new Date(new Date().toISOString().slice(0, 10));
    const day = 86_400_000;
    expect(await client.messages.list({ dateSent: today })).toHaveLength(11);
    expect(
      await client.messages.list({ dateSentAfter: new Date(today.getTime() + day) }),
    ).toHaveLength(0);
    expect(
      await client.messages.list({ dateSentBefore: new Date(today.getTime() - day) }),
    ).toHaveLength(0);
    sim.setStatus(sids[0]!, "delivered");
    const delivered = await client.messages(sids[0]!).fetch();
    expect(delivered.dateSent).toBeInstanceOf(Date);
    expect(
      await client.messages.list({ to: a, dateSentAfter: new Date(Date.now() - 60_000) }),
    ).toHaveLength(8);
  });

  it("pages like Twilio's list JSON", async () => {
    const sim = await start();
    for (let i = 0; i < 5; i++) await create(sim, { ...OK, Body: `m${i}` });
    const base = `/2010-04-01/Accounts/${sim.accountSid}/Messages.json`;
    const first = await get(sim, `${base}?To=${encodeURIComponent(OK.To)}&PageSize=2`);
    expect(first.body).toMatchObject({
      page: 0,
      page_size: 2,
      start: 0,
      end: 1,
      previous_page_uri: null,
      uri: `${base}?To=%2B15551230001&PageSize=2&Page=0`,
      first_page_uri: `${base}?To=%2B15551230001&PageSize=2&Page=0`,
      next_page_uri: expect.stringMatching(/Page=1&PageToken=PASM[0-9a-f]{32}$/),
    });
    expect(first.body.messages.map((m: { body: string }) => m.body)).toEqual(["m4", "m3"]);
    const byNumber = await get(sim, `${base}?PageSize=2&Page=2`);
    expect(byNumber.body.messages.map((m: { body: string }) => m.body)).toEqual(["m0"]);
    expect(byNumber.body.next_page_uri).toBeNull();
    expect((await get(sim, `${base}?PageSize=5000`)).body.page_size).toBe(1000);
    expect((await get(sim, `${base}?DateSent=yesterday`)).status).toBe(400);
    const dayOnly = new Date().toISOString().slice(0, 10);
    const inclusive = await get(sim, `${base}?${new URLSearchParams({ "DateSent<": dayOnly })}`);
    expect(inclusive.body.messages).toHaveLength(5);
  });
});

describe("limits", () => {
  it("answers 429 20429 beyond mps in a sliding second, with Retry-After when configured", async () => {
    const sim = await start({ mps: 5, retryAfterSeconds: 2 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => create(sim, OK)));
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(5);
    expect(limited).toHaveLength(3);
    expect(limited[0]?.body).toEqual({
      code: 20429,
      message: "Too Many Requests",
      more_info: "https://www.twilio.com/docs/errors/20429",
      status: 429,
    });
    expect(limited.every((a) => a.headers.get("retry-after") === "2")).toBe(true);
    expect(sim.creates().filter((c) => c.outcome === "429")).toHaveLength(3);

    sim.setOptions({ retryAfterSeconds: null });
    expect((await create(sim, OK)).headers.get("retry-after")).toBeNull();
    const plain = await start({ mps: 1 });
    await create(plain, OK);
    const noHeader = await create(plain, OK);
    expect(noHeader.status).toBe(429);
    expect(noHeader.headers.get("retry-after")).toBeNull();
  });

  it("answers 429 beyond the concurrency limit, counting the latency wait", async () => {
    const sim = await start({ concurrency: 2, latencyMs: 150 });
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 5 }, () => create(sim, OK)));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 429, 429, 429]);
    expect(sim.messages()).toHaveLength(2);
    const after = await create(sim, OK);
    expect(after.status).toBe(201);
  });
});

describe("seeded faults", () => {
  type Seen = { outcome: CreateRecord["outcome"]; client: string };

  /** 30 creates one after another; what the client saw next to what the simulator recorded. */
  async function run(seed: number): Promise<{ seen: Seen[]; sim: RunningSimulator }> {
    const sim = await start({ seed, resetRate: 0.2, dropRate: 0.2, serverErrorRate: 0.2 });
    const clientSaw: string[] = [];
    for (let i = 0; i < 30; i++) {
      const answer = create(sim, { ...OK, Body: `n${i}` });
      clientSaw.push(
        await answer.then(
          (a) => String(a.status),
          () => "network error",
        ),
      );
    }
    const seen = sim.creates().map((c, i) => ({ outcome: c.outcome, client: clientSaw[i]! }));
    return { seen, sim };
  }

  it("repeat with the same seed, differ with another, and show in creates()", async () => {
    const one = await run(7);
    const two = await run(7);
    const other = await run(8);
    expect(two.seen).toEqual(one.seen);
    expect(other.seen).not.toEqual(one.seen);
    const outcomes = new Set(one.seen.map((s) => s.outcome));
    for (const kind of ["created", "reset", "dropped", "500"] as const)
      expect(outcomes).toContain(kind);
    for (const { outcome, client } of one.seen) {
      const expected = {
        created: "201",
        "500": "500",
        reset: "network error",
        dropped: "network error",
      };
      expect(client).toBe(expected[outcome as keyof typeof expected]);
    }
    // Drops and half the 500s did create: the store holds exactly the creates with a sid.
    const records = one.sim.creates();
    const withSid = records.filter((r) => r.sid !== null).map((r) => r.sid);
    expect(one.sim.messages().map((m) => m.sid)).toEqual(withSid);
    expect(records.filter((r) => r.outcome === "dropped").every((r) => r.sid !== null)).toBe(true);
    expect(records.filter((r) => r.outcome === "reset").every((r) => r.sid === null)).toBe(true);
  });
});

describe("control endpoints and finalize", () => {
  it("expose messages and creates, set status, finalize by the default rule, patch options", async () => {
    const sim = await start();
    const tos = ["+15551230000", "+15551230006", "+15551230007", "+15551240003"];
    const sids: string[] = [];
    for (const To of tos) sids.push(String((await create(sim, { ...OK, To })).body.sid));

    const messages = await control(sim, "messages");
    expect(messages.body.map((m: { to: string }) => m.to)).toEqual(tos);
    const creates = await control(sim, "creates");
    expect(creates.body).toHaveLength(4);
    expect(creates.body[0]).toMatchObject({ outcome: "created", httpStatus: 201 });

    const status = await control(sim, "status", { sid: sids[0], status: "sent" });
    expect(status.body).toMatchObject({ sid: sids[0], status: "sent" });
    expect((await control(sim, "status", { sid: "SMnope", status: "sent" })).status).toBe(404);
    expect((await control(sim, "status", { sid: sids[0], status: "bogus" })).status).toBe(400);

    expect((await control(sim, "finalize", {})).body).toEqual({ finalized: 4 });
    expect(sim.messages().map((m) => [m.status, m.errorCode])).toEqual([
      ["delivered", null],
      ["undelivered", 30006],
      ["failed", 30007],
      ["undelivered", 30003],
    ]);
    expect(sim.messages().every((m) => m.dateSent instanceof Date)).toBe(true);
    expect((await control(sim, "finalize", {})).body).toEqual({ finalized: 0 });

    await create(sim, OK);
    expect((await control(sim, "finalize", { status: "failed", error_code: 30034 })).body).toEqual({
      finalized: 1,
    });
    expect(sim.messages().at(-1)).toMatchObject({ status: "failed", errorCode: 30034 });
    expect(sim.finalize()).toBe(0);

    expect((await control(sim, "options", { mps: 1 })).body).toMatchObject({ mps: 1 });
    expect((await create(sim, OK)).status).toBe(429);
    expect((await control(sim, "options", { mps: null })).body).toMatchObject({ mps: null });
    expect((await create(sim, OK)).status).toBe(201);
    expect((await control(sim, "options", { mps: "fast" })).status).toBe(400);
    expect((await control(sim, "options", { nope: 1 })).status).toBe(400);
  });

  it("finalizes in-process with a custom rule and rejects bad options", async () => {
    const sim = await start();
    await create(sim, OK);
    expect(sim.finalize(() => ({ status: "undelivered", errorCode: 30005 }))).toBe(1);
    expect(sim.messages()[0]).toMatchObject({ status: "undelivered", errorCode: 30005 });
    expect(() => sim.setOptions({ resetRate: 2 })).toThrow(/resetRate/);
    await expect(startSimulator({ mps: 0 })).rejects.toThrow("`mps` must be a number > 0, got `0`");
  });
});

describe("close", () => {
  it("returns promptly with idle keep-alive sockets and requests waiting out their latency", async () => {
    const sim = await start({ latencyMs: 10_000 });
    const agent = new http.Agent({ keepAlive: true });
    const idle = await new Promise<number>((resolve, reject) => {
      http
        .get(`${sim.url}/_sim/creates`, { agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        })
        .on("error", reject);
    });
    expect(idle).toBe(200);
    const waiting = create(sim, OK).then(
      () => "answered",
      () => "cut",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await sim.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await waiting).toBe("cut");
    agent.destroy();
  });
});

describe("simulate command", () => {
  it("parses commander's strings and names the flag in complaints", () => {
    expect(parseSimulateOptions({ port: "0", mps: "50", latency: "5", seed: "3" })).toMatchObject({
      port: 0,
      mps: 50,
      latency: 5,
      seed: 3,
    });
    expect(() => parseSimulateOptions({ port: "0", mps: "abc" })).toThrow(
      "`--mps` must be a number > 0, got `abc`",
    );
    expect(() => parseSimulateOptions({ port: "0", resetRate: "0.6", dropRate: "0.6" })).toThrow(
      "must be at most 1",
    );
  });

  it("prints the URL and credentials, serves until aborted, returns 0", async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let printed = "";
    stdout.on("data", (chunk) => {
      printed += chunk;
    });
    stderr.resume();
    const controller = new AbortController();
    const env = {
      cwd: process.cwd(),
      env: {},
      stdin: new PassThrough(),
      stdout,
      stderr,
      clock: systemClock,
      signal: controller.signal,
    };
    const done = simulate({ port: 0, mps: 100 }, env);
    while (!printed.includes("TWILIO_AUTH_TOKEN=")) await new Promise((r) => setTimeout(r, 5));
    const vars = Object.fromEntries(
      printed
        .trim()
        .split("\n")
        .map((line) => line.split("=")),
    );
    expect(vars.TWILIO_BULK_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(vars.TWILIO_ACCOUNT_SID).toBe("AC00000000000000000000000000000000");
    const response = await fetch(`${vars.TWILIO_BULK_API_URL}/_sim/options`);
    expect(await response.json()).toMatchObject({ mps: 100 });
    controller.abort();
    expect(await done).toBe(0);
    // As commander hands them over: strings.
    const raw = { port: "0", duration: "0.05", seed: "1" };
    await expect(simulate(raw, { ...env, signal: new AbortController().signal })).resolves.toBe(0);
    await expect(simulate({ port: 0, errorRate: 2 }, env)).rejects.toThrow(
      "`--error-rate` must be",
    );
  });
});
