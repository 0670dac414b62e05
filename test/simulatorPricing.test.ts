import { afterEach, describe, expect, it } from "vitest";
import { type RunningSimulator, startSimulator } from "../src/simulator/startSimulator.js";

// The simulator's Pricing API v1 messaging countries: what `send` asks before a confirmation.

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function get(path: string, auth?: string) {
  sim ??= await startSimulator({ apiKeys: { SK1: "secret" } });
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = `Basic ${Buffer.from(auth).toString("base64")}`;
  const response = await fetch(`${sim.url}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("GET /v1/Messaging/Countries/{IsoCountry}", () => {
  it.each([
    ["the account's token", "AC00000000000000000000000000000000:simulator-token", 200],
    ["an API key", "SK1:secret", 200],
    ["a wrong secret", "SK1:nope", 401],
    ["no credentials", undefined, 401],
  ])("with %s: %i", async (_what, auth, status) => {
    expect((await get("/v1/Messaging/Countries/US", auth)).status).toBe(status);
  });

  it("answers in Twilio's shape: carriers with snake_case prices as decimal strings", async () => {
    const { body } = await get("/v1/Messaging/Countries/CA", "SK1:secret");
    expect(body).toMatchObject({ iso_country: "CA", price_unit: "USD" });
    expect(body.outbound_sms_prices).toContainEqual(
      expect.objectContaining({
        prices: expect.arrayContaining([
          { number_type: "local", base_price: "0.008", current_price: "0.008" },
        ]),
      }),
    );
  });

  it("a country it has no prices for is a 404 with code 20404", async () => {
    const { status, body } = await get("/v1/Messaging/Countries/FR", "SK1:secret");
    expect(status).toBe(404);
    expect(body.code).toBe(20404);
  });
});
