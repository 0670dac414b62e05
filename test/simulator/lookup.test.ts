import { describe, expect, it } from "vitest";
import { get, post, twilioClient, useSimulators } from "./simulatorClient.js";

const start = useSimulators();

describe("Lookup v2 PhoneNumbers", () => {
  it.each([
    ["+12025550100", true, "mobile", "US"],
    ["+15005550006", true, "mobile", "US"],
    ["+15005550009", true, "landline", "US"],
    ["+15005550005", true, "nonFixedVoip", "US"],
    ["+15005550008", true, "fixedVoip", "US"],
    ["+442079460000", true, "landline", "GB"],
    ["+33612345678", true, "mobile", "FR"],
  ])("%s is valid=%s, line type %s, country %s", async (number, valid, type, country) => {
    const sim = await start();
    const { client } = twilioClient(sim);
    const answer = await client.lookups.v2
      .phoneNumbers(number)
      .fetch({ fields: "line_type_intelligence" });
    expect(answer).toMatchObject({
      phoneNumber: number,
      valid,
      validationErrors: [],
      countryCode: country,
      lineTypeIntelligence: { type, errorCode: null, carrierName: expect.any(String) },
    });
  });

  it.each([
    ["+15005550001", "INVALID_BUT_POSSIBLE"],
    ["+1202555", "TOO_SHORT"],
    ["+999123456", "INVALID_COUNTRY_CODE"],
  ])("%s is valid=false with %s and no line type", async (number, reason) => {
    const sim = await start();
    const path = `/v2/PhoneNumbers/${encodeURIComponent(number)}?Fields=line_type_intelligence`;
    const { status, body } = await get(sim, path);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      phone_number: number,
      valid: false,
      validation_errors: [reason],
      line_type_intelligence: null,
    });
  });

  it("answers validity alone without Fields, is recorded as a metered read, and needs auth", async () => {
    const sim = await start();
    const { body } = await get(sim, "/v2/PhoneNumbers/%2B12025550100");
    expect(body).toMatchObject({
      valid: true,
      calling_country_code: "1",
      national_format: "(202) 555-0100",
      line_type_intelligence: null,
      url: `${sim.url}/v2/PhoneNumbers/%2B12025550100`,
    });
    expect(sim.creates()).toMatchObject([
      { api: "lookup", outcome: "answered", to: "+12025550100", sid: null, httpStatus: 200 },
    ]);
    const refused = await get(sim, "/v2/PhoneNumbers/%2B12025550100", "Basic bm9wZTpub3Bl");
    expect(refused).toMatchObject({ status: 401, body: { code: 20003 } });
    const answer = await post(sim, "/v2/PhoneNumbers/%2B12025550100", {});
    expect(answer.status).toBe(405);
  });
});
