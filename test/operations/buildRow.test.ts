import { describe, expect, it } from "vitest";
import { buildRow, type RowDefaults } from "../../src/operations/buildRow.js";

// Each API's builder as a table: a row and the run's defaults → its request, or every reason.

const FLOW = `FW${"a".repeat(32)}`;
const SERVICE = `VA${"b".repeat(32)}`;
const defaults = (api: string, options: Record<string, string> = {}): RowDefaults => ({
  api,
  options,
  from: "+15005550006",
  toColumn: "to",
});

describe("a row's API", () => {
  it.each([
    [{ api: "CALLS", to: "+12025550101", url: "https://e.x/t" }, "calls"],
    [{ to: "+12025550101", body: "hi" }, "messages"],
    [{ api: " ", to: "+12025550101", body: "hi" }, "messages"],
  ])("%j is for %s", (fields, api) => {
    expect(buildRow(fields, defaults("messages"))).toMatchObject({ ok: true, api });
  });

  it("is invalid when the api column names no API, and keeps the recipient as written", () => {
    expect(buildRow({ api: "Fax", to: "+12025550101" }, defaults("messages"))).toEqual({
      ok: false,
      api: "fax",
      to: "+12025550101",
      texts: false,
      segments: 0,
      reason: "api `Fax` is not one of messages, calls, lookup, verify, studio",
    });
    expect(buildRow({ api: "fax", to: "not a number" }, defaults("messages"))).toMatchObject({
      ok: false,
      to: "not a number",
    });
  });

  it("is invalid when a JSON api is a list, rather than falling back to --api", () => {
    expect(
      buildRow({ api: ["calls"], to: "+12025550101", body: "hi" }, defaults("messages")),
    ).toEqual({
      ok: false,
      api: "messages",
      to: "+12025550101",
      texts: false,
      segments: 0,
      reason: "`api` must be a single value, not a list",
    });
  });
});

describe("valid requests", () => {
  it.each([
    [
      "calls",
      {
        to: "+12025550101",
        twiml: "<Response/>",
        timeout: "20",
        record: "TRUE",
        machine_detection: "enable",
      },
      {},
      {
        to: "+12025550101",
        from: "+15005550006",
        twiml: "<Response/>",
        timeout: 20,
        record: true,
        machineDetection: "Enable",
      },
    ],
    [
      "lookup",
      { to: "+12025550101" },
      { fields: "line_type_intelligence" },
      { phoneNumber: "+12025550101", fields: "line_type_intelligence" },
    ],
    [
      "verify",
      { to: "ADA@example.com", channel: "email" },
      { verifyServiceSid: SERVICE },
      { serviceSid: SERVICE, to: "ada@example.com", channel: "email" },
    ],
    [
      "studio",
      { to: "+12025550101", name: "Ada", blank: "" },
      { flowSid: FLOW },
      { flowSid: FLOW, to: "+12025550101", from: "+15005550006", parameters: '{"name":"Ada"}' },
    ],
    [
      "messages",
      {
        to: "whatsapp:+1 202 555 0101",
        from: "whatsapp:+15005550006",
        content_sid: `HX${"c".repeat(32)}`,
        content_variables: '{"1": "Ada"}',
      },
      {},
      {
        to: "whatsapp:+12025550101",
        from: "whatsapp:+15005550006",
        contentSid: `HX${"c".repeat(32)}`,
        contentVariables: '{"1":"Ada"}',
      },
    ],
  ])("%s: %j → the request", (api, fields, options, request) => {
    const built = buildRow(fields, defaults(api, options));
    expect(built).toMatchObject({ ok: true, api, units: 1 });
    expect(built.ok && built.request).toEqual(request);
  });

  it("which text a person are subject to opt-outs", () => {
    const texts = (api: string, fields: Record<string, string>, options = {}) =>
      buildRow(fields, defaults(api, options)).texts;
    expect(texts("messages", { to: "+12025550101", body: "hi" })).toBe(true);
    expect(texts("calls", { to: "+12025550101", url: "https://e.x" })).toBe(false);
    expect(texts("lookup", { to: "+12025550101" })).toBe(false);
    expect(
      texts("verify", { to: "+12025550101", channel: "sms" }, { verifyServiceSid: SERVICE }),
    ).toBe(true);
    expect(
      texts("verify", { to: "+12025550101", channel: "call" }, { verifyServiceSid: SERVICE }),
    ).toBe(false);
    expect(texts("studio", { to: "+12025550101" }, { flowSid: FLOW })).toBe(true);
  });
});

describe("invalid rows, with every reason", () => {
  it.each([
    [
      "calls",
      { to: "+12025550101" },
      {},
      "nothing to run on the call: give one of url, twiml or application_sid (or --url / --twiml / --application-sid)",
    ],
    [
      "calls",
      { to: "+12025550101", url: "https://e.x", twiml: "<Response/>" },
      {},
      "give only one of url, twiml or application_sid",
    ],
    [
      "calls",
      { to: "+12025550101", url: "ftp://e.x", timeout: "soon" },
      {},
      "url `ftp://e.x` is not an http(s) URL; timeout must be whole seconds from 5 to 600, got `soon`",
    ],
    [
      "lookup",
      { to: "+12025550101", fields: "line_type_intelligence,horoscope" },
      {},
      "fields: `horoscope` is not a Lookup data package",
    ],
    [
      "verify",
      { to: "+12025550101", channel: "pigeon" },
      { verifyServiceSid: SERVICE },
      "channel must be one of sms, call, email, whatsapp, got `pigeon`",
    ],
    [
      "verify",
      { to: "+12025550101", channel: "sms" },
      {},
      "no `verify_service_sid`: give the column or --verify-service-sid",
    ],
    [
      "verify",
      { to: "not-an-email", channel: "email" },
      { verifyServiceSid: SERVICE },
      "to: `not-an-email` is not an email address",
    ],
    [
      "studio",
      { to: "+12025550101", flow_sid: "FW123" },
      {},
      "flow_sid `FW123` is not FW followed by 32 hex digits",
    ],
    [
      "studio",
      { to: "+12025550101", parameters: "[1]" },
      { flowSid: FLOW },
      "parameters must be a JSON object, got `[1]`",
    ],
    [
      "messages",
      { to: "+12025550101", body: "hi", content_sid: `HX${"c".repeat(32)}` },
      {},
      "give either a content_sid or a body/media_url, not both",
    ],
    [
      "messages",
      { to: "+12025550101", body: "hi", content_variables: "{}" },
      {},
      "content_variables needs a content_sid",
    ],
  ])("%s: %j → %s", (api, fields, options, reason) => {
    const built = buildRow(fields, defaults(api, options));
    expect(built.ok).toBe(false);
    expect(!built.ok && built.reason).toContain(reason);
  });
});
