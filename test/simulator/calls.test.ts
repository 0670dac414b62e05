import { describe, expect, it } from "vitest";
import { callsPath, get, post, twilioClient, useSimulators } from "./simulatorClient.js";

const start = useSimulators();
const RFC2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
const OK = { To: "+12025550100", From: "+15005550006", Url: "https://example.com/twiml" };

describe("Calls create", () => {
  it("answers 201 with a queued call in Twilio's JSON, through twilio-node too", async () => {
    const sim = await start();
    const { status, body } = await post(sim, callsPath(sim), OK);
    expect(status).toBe(201);
    expect(body).toMatchObject({
      sid: expect.stringMatching(/^CA[0-9a-f]{32}$/),
      account_sid: sim.accountSid,
      to: OK.To,
      to_formatted: "(202) 555-0100",
      from: OK.From,
      status: "queued",
      start_time: null,
      direction: "outbound-api",
      api_version: "2010-04-01",
      date_created: expect.stringMatching(RFC2822),
      uri: `/2010-04-01/Accounts/${sim.accountSid}/Calls/${body.sid}.json`,
    });
    const { client } = twilioClient(sim);
    const call = await client.calls.create({
      to: "+12025550101",
      from: OK.From,
      twiml: "<Response><Say>Hi</Say></Response>",
      machineDetection: "Enable",
      timeout: 20,
      record: true,
      timeLimit: 60,
      statusCallback: "https://example.com/status",
    });
    expect(call.status).toBe("queued");
    expect(sim.calls().at(-1)).toMatchObject({
      sid: call.sid,
      twiml: "<Response><Say>Hi</Say></Response>",
      url: null,
      machineDetection: "Enable",
      timeout: "20",
      record: "true",
      timeLimit: "60",
      statusCallback: "https://example.com/status",
    });
    expect(sim.creates().map((c) => [c.api, c.outcome, c.to])).toEqual([
      ["calls", "created", OK.To],
      ["calls", "created", "+12025550101"],
    ]);
  });

  it.each([
    [{ From: OK.From, Url: OK.Url }, 21201],
    [{ To: OK.To, Url: OK.Url }, 21213],
    [{ To: OK.To, From: OK.From }, 21205],
    [{ ...OK, Twiml: "<Response/>" }, 21205],
    [{ ...OK, Url: "not a url" }, 21205],
    [{ To: OK.To, From: OK.From, ApplicationSid: "AP123" }, 21218],
    [{ ...OK, To: "12345" }, 21211],
    [{ ...OK, From: "+15005550001" }, 21212],
    [{ ...OK, To: "+15005550001" }, 21217],
    [{ ...OK, To: "+15005550002" }, 21214],
    [{ ...OK, To: "+15005550003" }, 21215],
    [{ ...OK, To: "+15005550004" }, 21216],
  ])("refuses %j with 400 %i and creates nothing", async (fields, code) => {
    const sim = await start();
    const { status, body } = await post(sim, callsPath(sim), fields);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      code,
      status: 400,
      more_info: expect.stringContaining(String(code)),
    });
    expect(sim.calls()).toEqual([]);
    expect(sim.creates()[0]).toMatchObject({ api: "calls", outcome: "rejected", code });
  });

  it("accepts an ApplicationSid, and Client and SIP addresses", async () => {
    const sim = await start();
    const app = `AP${"c".repeat(32)}`;
    for (const to of ["client:alice", "sip:bob@example.com"]) {
      const { status } = await post(sim, callsPath(sim), {
        To: to,
        From: OK.From,
        ApplicationSid: app,
      });
      expect(status).toBe(201);
    }
  });
});

describe("Calls fetch and list", () => {
  it("fetches, lists by To / From / Status / StartTime and pages, with twilio-node", async () => {
    const sim = await start();
    const { client } = twilioClient(sim);
    const before = new Date(Date.now() - 1000);
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await client.calls.create({ to: `+1202555010${i % 2}`, from: OK.From, url: OK.Url }),
      );
    }
    const fetched = await client.calls(made[0]!.sid).fetch();
    expect(fetched).toMatchObject({ sid: made[0]!.sid, to: made[0]!.to, status: "queued" });
    await expect(client.calls(`CA${"0".repeat(32)}`).fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });

    const toFirst = await client.calls.list({ to: "+12025550100", startTimeAfter: before });
    expect(toFirst.map((c) => c.sid)).toEqual([made[4]!.sid, made[2]!.sid, made[0]!.sid]);
    expect(await client.calls.list({ startTimeAfter: new Date(Date.now() + 60_000) })).toEqual([]);
    expect(await client.calls.list({ from: "+15550000000" })).toEqual([]);
    sim.setStatus(made[1]!.sid, "completed");
    const completed = await client.calls.list({ status: "completed" });
    expect(completed.map((c) => c.sid)).toEqual([made[1]!.sid]);
    expect(completed[0]!.startTime).toBeInstanceOf(Date);
    expect(completed[0]!.duration).toBe("0");

    const paged = await client.calls.list({ pageSize: 2 });
    expect(paged.map((c) => c.sid)).toEqual(made.map((c) => c.sid).reverse());
    const page = await get(sim, `${callsPath(sim)}?PageSize=2`);
    expect(page.body).toMatchObject({
      page: 0,
      page_size: 2,
      start: 0,
      end: 1,
      previous_page_uri: null,
      next_page_uri: expect.stringMatching(/Page=1&PageToken=PACA[0-9a-f]{32}$/),
    });
    expect(page.body.calls).toHaveLength(2);
    expect((await get(sim, `${callsPath(sim)}?StartTime=soon`)).status).toBe(400);
  });

  it("finalize completes every call, and /_sim/calls lists them", async () => {
    const sim = await start();
    await post(sim, callsPath(sim), OK);
    expect(sim.finalize()).toBe(1);
    expect(sim.calls()[0]).toMatchObject({ status: "completed", endTime: expect.any(Date) });
    const listed = await (await fetch(`${sim.url}/_sim/calls`)).json();
    expect(listed).toMatchObject([{ to: OK.To, status: "completed" }]);
    const bad = await fetch(`${sim.url}/_sim/status`, {
      method: "POST",
      body: JSON.stringify({ sid: sim.calls()[0]!.sid, status: "delivered" }),
    });
    expect(bad.status).toBe(400);
  });
});
