import { describe, expect, it } from "vitest";
import { FLOW, get, post, twilioClient, useSimulators } from "./simulatorClient.js";

const start = useSimulators();
const path = `/v2/Flows/${FLOW}/Executions`;
const FROM = "+15005550006";

describe("Studio v2 Executions", () => {
  it("creates an active execution with its parameters, through twilio-node", async () => {
    const sim = await start();
    const { client } = twilioClient(sim);
    const execution = await client.studio.v2.flows(FLOW).executions.create({
      to: "+12025550100",
      from: FROM,
      parameters: { first_name: "Ana", order: 42 },
    });
    expect(execution).toMatchObject({
      sid: expect.stringMatching(/^FN[0-9a-f]{32}$/),
      flowSid: FLOW,
      accountSid: sim.accountSid,
      contactChannelAddress: "+12025550100",
      status: "active",
      url: `${sim.url}${path}/${execution.sid}`,
    });
    expect(sim.executions()).toMatchObject([
      { sid: execution.sid, from: FROM, parameters: { first_name: "Ana", order: 42 } },
    ]);
    const fetched = await client.studio.v2.flows(FLOW).executions(execution.sid).fetch();
    expect(fetched).toMatchObject({ sid: execution.sid, status: "active" });
    const elsewhere = client.studio.v2.flows(`FW${"f".repeat(32)}`).executions(execution.sid);
    await expect(elsewhere.fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it.each([
    [{ From: FROM }, 400, 20001],
    [{ To: "+12025550100" }, 400, 20001],
    [{ To: "+12025550100", From: FROM, Parameters: "[1,2]" }, 400, 20001],
    [{ To: "+12025550100", From: FROM, Parameters: "{oops" }, 400, 20001],
  ])("refuses %j with %i %i", async (fields, status, code) => {
    const sim = await start();
    expect(await post(sim, path, fields)).toMatchObject({ status, body: { code } });
    expect(sim.executions()).toEqual([]);
  });

  it("refuses a malformed flow with 20404, and a second execution for an active contact with 409", async () => {
    const sim = await start();
    const bad = await post(sim, "/v2/Flows/FW1/Executions", { To: "+12025550100", From: FROM });
    expect(bad).toMatchObject({ status: 404, body: { code: 20404 } });
    const first = await post(sim, path, { To: "+12025550100", From: FROM });
    expect(first.status).toBe(201);
    const again = await post(sim, path, { To: "+12025550100", From: FROM });
    expect(again).toMatchObject({ status: 409, body: { code: 20409 } });
    expect(sim.finalize()).toBe(1);
    expect(sim.executions()[0]!.status).toBe("ended");
    const second = await post(sim, path, { To: "+12025550100", From: FROM });
    expect(second.status).toBe(201);
    // Over /_sim/, as a test running the simulator in another process would end it.
    const ended = await fetch(`${sim.url}/_sim/status`, {
      method: "POST",
      body: JSON.stringify({ sid: second.body.sid, status: "ended" }),
    });
    expect(await ended.json()).toMatchObject({ sid: second.body.sid, status: "ended" });
    expect((await post(sim, path, { To: "+12025550100", From: FROM })).status).toBe(201);
    const listed = (await get(sim, "/_sim/executions")).body;
    expect(listed.map((e: { status: string }) => e.status)).toEqual(["ended", "ended", "active"]);
  });

  it("lists a flow's executions newest first in the v2 envelope, by date, paged by twilio-node", async () => {
    const sim = await start();
    const { client } = twilioClient(sim);
    const before = new Date(Date.now() - 1000);
    const sids: string[] = [];
    for (let i = 0; i < 5; i++) {
      sids.push((await post(sim, path, { To: `+1202555010${i}`, From: FROM })).body.sid);
    }
    await post(sim, `/v2/Flows/FW${"c".repeat(32)}/Executions`, { To: "+12025550100", From: FROM });
    const page = await get(sim, `${path}?PageSize=2`);
    expect(page.status).toBe(200);
    expect(page.body.executions.map((e: { sid: string }) => e.sid)).toEqual([sids[4], sids[3]]);
    expect(page.body.meta).toMatchObject({
      key: "executions",
      page: 0,
      page_size: 2,
      previous_page_url: null,
      url: `${sim.url}${path}?PageSize=2&Page=0`,
      first_page_url: `${sim.url}${path}?PageSize=2&Page=0`,
      next_page_url: expect.stringMatching(/Page=1&PageToken=PAFN[0-9a-f]{32}$/),
    });
    const all = await client.studio.v2.flows(FLOW).executions.list({
      dateCreatedFrom: before,
      dateCreatedTo: new Date(Date.now() + 1000),
      pageSize: 2,
    });
    expect(all.map((e) => e.sid)).toEqual([...sids].reverse());
    const later = await client.studio.v2
      .flows(FLOW)
      .executions.list({ dateCreatedFrom: new Date(Date.now() + 60_000) });
    expect(later).toEqual([]);
    expect((await get(sim, `${path}?DateCreatedFrom=later`)).status).toBe(400);
    expect((await get(sim, "/v2/Flows/FW1/Executions")).status).toBe(404);
  });
});
