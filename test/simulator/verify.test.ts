import { describe, expect, it } from "vitest";
import { get, post, SERVICE, twilioClient, useSimulators } from "./simulatorClient.js";

const start = useSimulators();
const path = `/v2/Services/${SERVICE}/Verifications`;

describe("Verify v2 Verifications create", () => {
  it("answers 201 with a pending verification, through twilio-node too", async () => {
    const sim = await start();
    const { client } = twilioClient(sim);
    const verification = await client.verify.v2
      .services(SERVICE)
      .verifications.create({ to: "+12025550100", channel: "sms", locale: "fr" });
    expect(verification).toMatchObject({
      sid: expect.stringMatching(/^VE[0-9a-f]{32}$/),
      serviceSid: SERVICE,
      accountSid: sim.accountSid,
      to: "+12025550100",
      channel: "sms",
      status: "pending",
      valid: false,
      url: `${sim.url}${path}/${verification.sid}`,
    });
    expect(verification.dateCreated).toBeInstanceOf(Date);
    expect(sim.verifications()).toMatchObject([{ sid: verification.sid, locale: "fr" }]);
    const fetched = await client.verify.v2
      .services(SERVICE)
      .verifications(verification.sid)
      .fetch();
    expect(fetched).toMatchObject({ sid: verification.sid, status: "pending" });
    const elsewhere = client.verify.v2
      .services(`VA${"f".repeat(32)}`)
      .verifications(verification.sid);
    await expect(elsewhere.fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    const email = await post(sim, path, { To: "ana@example.com", Channel: "email" });
    expect(email).toMatchObject({
      status: 201,
      body: { channel: "email", lookup: { carrier: null } },
    });
  });

  it.each([
    [{ Channel: "sms" }, 400, 60200],
    [{ To: "+12025550100" }, 400, 60200],
    [{ To: "+12025550100", Channel: "pigeon" }, 400, 60200],
    [{ To: "not-a-number", Channel: "sms" }, 400, 60200],
    [{ To: "+12025550100", Channel: "email" }, 400, 60200],
    [{ To: "+15005550001", Channel: "call" }, 400, 60200],
    [{ To: "+15005550009", Channel: "sms" }, 400, 60205],
  ])("refuses %j with %i %i", async (fields, status, code) => {
    const sim = await start();
    const answer = await post(sim, path, fields);
    expect(answer).toMatchObject({ status, body: { code, status } });
    expect(sim.verifications()).toEqual([]);
  });

  it("calls a landline, refuses a malformed service with 20404 and a sixth send with 60203", async () => {
    const sim = await start();
    expect((await post(sim, path, { To: "+15005550009", Channel: "call" })).status).toBe(201);
    const bad = await post(sim, "/v2/Services/VA123/Verifications", {
      To: "+1202",
      Channel: "sms",
    });
    expect(bad).toMatchObject({ status: 404, body: { code: 20404 } });
    for (let i = 0; i < 5; i++) {
      expect((await post(sim, path, { To: "+12025550100", Channel: "sms" })).status).toBe(201);
    }
    const sixth = await post(sim, path, { To: "+12025550100", Channel: "sms" });
    expect(sixth).toMatchObject({ status: 429, body: { code: 60203 } });
    expect(sim.creates().at(-1)).toMatchObject({
      outcome: "rejected",
      httpStatus: 429,
      code: 60203,
    });
    // Once one is approved (the user typed the code), the number may be sent to again.
    sim.setStatus(sim.verifications().at(-1)!.sid, "approved");
    expect((await post(sim, path, { To: "+12025550100", Channel: "sms" })).status).toBe(201);
    const listed = await (await fetch(`${sim.url}/_sim/verifications`)).json();
    expect(listed).toHaveLength(7);
    // Verify has no list of verifications.
    expect(await get(sim, path)).toMatchObject({ status: 405, body: { code: 20004 } });
  });
});
