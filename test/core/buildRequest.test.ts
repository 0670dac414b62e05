import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type BuiltRow, buildRequest, type RequestDefaults } from "../../src/core/buildRequest.js";

const NOW = new Date("2030-01-01T12:00:00Z");
const MG = "MG0123456789abcdef0123456789abcdef";
const FROM = "+15005550006";
const defaults: RequestDefaults = { from: FROM, now: NOW };

const build = (fields: Record<string, string | string[]>, extra: RequestDefaults = {}) =>
  buildRequest({ fields }, { ...defaults, ...extra });

function reason(row: BuiltRow): string {
  if (row.ok) throw new Error(`expected a rejection, got ${JSON.stringify(row.request)}`);
  return row.reason;
}

describe("accepted rows", () => {
  it.each<[string, Record<string, string | string[]>, RequestDefaults, object]>([
    [
      "to and body",
      { to: "+12025550123", body: "Hi" },
      {},
      { to: "+12025550123", from: FROM, body: "Hi" },
    ],
    [
      "a national number",
      { to: "(202) 555-0123", body: "Hi" },
      { defaultCountry: "US" },
      { to: "+12025550123" },
    ],
    [
      "--to-column",
      { mobile: "+12025550123", body: "Hi" },
      { toColumn: " Mobile " },
      { to: "+12025550123" },
    ],
    [
      "the template wins over body",
      { to: "+12025550123", body: "col", first_name: "Ada" },
      { bodyTemplate: "Hi {{first_name}}: {{body}}" },
      { body: "Hi Ada: col" },
    ],
    [
      "media only",
      { to: "+12025550123", media_url: "https://a.example/1.png" },
      {},
      { mediaUrl: ["https://a.example/1.png"] },
    ],
    [
      "media split on spaces, commas, semicolons",
      {
        to: "+12025550123",
        media_url:
          "https://a.example/1.png, https://a.example/2.png;https://a.example/3.png\nhttp://a.example/4.png",
      },
      {},
      {
        mediaUrl: [
          "https://a.example/1.png",
          "https://a.example/2.png",
          "https://a.example/3.png",
          "http://a.example/4.png",
        ],
      },
    ],
    [
      "a comma inside a media URL",
      { to: "+12025550123", media_url: "https://cdn.example/w_100,h_100/a.png" },
      {},
      { mediaUrl: ["https://cdn.example/w_100,h_100/a.png"] },
    ],
    [
      "media as a JSON list",
      { to: "+12025550123", media_url: ["https://a.example/1.png"] },
      {},
      { mediaUrl: ["https://a.example/1.png"] },
    ],
    [
      "the row's from wins",
      { to: "+12025550123", body: "x", from: "(202) 555-0199" },
      { defaultCountry: "US" },
      { from: "+12025550199" },
    ],
    [
      "a short code sender",
      { to: "+12025550123", body: "x", from: "12345" },
      {},
      { from: "12345" },
    ],
    [
      "an alphanumeric sender",
      { to: "+12025550123", body: "x", from: "ACME Ltd" },
      {},
      { from: "ACME Ltd" },
    ],
    [
      "a messaging service alone",
      { to: "+12025550123", body: "x", messaging_service_sid: MG },
      { from: undefined },
      { messagingServiceSid: MG },
    ],
    [
      "a messaging service default",
      { to: "+12025550123", body: "x" },
      { from: undefined, messagingServiceSid: MG },
      { messagingServiceSid: MG },
    ],
    [
      "status_callback",
      { to: "+12025550123", body: "x", status_callback: "https://hooks.example/s" },
      {},
      { statusCallback: "https://hooks.example/s" },
    ],
    [
      "send_at",
      { to: "+12025550123", body: "x", send_at: "2030-01-02T09:30:00+01:00" },
      { messagingServiceSid: MG },
      { sendAt: "2030-01-02T08:30:00Z", scheduleType: "fixed" },
    ],
    [
      "validity_period",
      { to: "+12025550123", body: "x", validity_period: " 3600 " },
      {},
      { validityPeriod: 3600 },
    ],
    [
      "blank optional cells",
      { to: "+12025550123", body: "x", from: "", media_url: "", send_at: " ", status_callback: "" },
      {},
      { from: FROM, body: "x" },
    ],
    [
      "a 1600-character body",
      { to: "+12025550123", body: "a".repeat(1600) },
      {},
      { body: "a".repeat(1600) },
    ],
  ])("%s", (_, fields, extra, expected) => {
    const row = build(fields, extra);
    expect(row.ok).toBe(true);
    if (row.ok) expect(row.request).toMatchObject(expected);
  });

  it("does not judge a body column the template leaves out", () => {
    const row = build({ to: "+12025550123", body: ["a", "list"] }, { bodyTemplate: "Hi" });
    expect(row).toMatchObject({ ok: true, request: { body: "Hi" } });
  });

  it("leaves out what the row does not set", () => {
    const row = build({ to: "+12025550123", body: "Hi", extra_column: "ignored" });
    expect(row).toMatchObject({
      ok: true,
      request: { to: "+12025550123", from: FROM, body: "Hi" },
    });
    if (row.ok) expect(Object.keys(row.request).sort()).toEqual(["body", "from", "to"]);
  });

  it.each([
    ["Hi", 1, "GSM-7"],
    ["a".repeat(161), 2, "GSM-7"],
    ["Привет", 1, "UCS-2"],
  ])("counts %j as %i %s segment(s)", (body, segments, encoding) => {
    expect(build({ to: "+12025550123", body })).toMatchObject({ segments, encoding });
  });

  it("charges a media-only message as one", () => {
    expect(build({ to: "+12025550123", media_url: "https://a.example/1.png" })).toMatchObject({
      segments: 1,
    });
  });
});

describe("dedupeKey", () => {
  const key = (fields: Record<string, string | string[]>, extra: RequestDefaults = {}) => {
    const row = build(fields, extra);
    if (!row.ok) throw new Error(row.reason);
    return row.dedupeKey;
  };

  it("is the first 16 bytes of the sha256 of to, body and media", () => {
    const media = "https://a.example/1.png https://a.example/2.png";
    const expected = createHash("sha256")
      .update(`+12025550123\u0000Hi\u0000${media}`)
      .digest()
      .subarray(0, 16);
    expect(key({ to: "+12025550123", body: "Hi", media_url: media })).toEqual(expected);
  });

  it("is the same for the same recipient written differently", () => {
    expect(key({ to: "(202) 555-0123", body: "Hi" }, { defaultCountry: "US" })).toEqual(
      key({ to: "+1 202 555 0123", body: "Hi" }),
    );
  });

  it("is the same for the same rendered body", () => {
    const template = { bodyTemplate: "Hi {{name}}" };
    expect(key({ to: "+12025550123", name: "Ada", other: "1" }, template)).toEqual(
      key({ to: "+12025550123", name: "Ada", other: "2" }, template),
    );
  });

  it.each([
    [{ to: "+12025550124", body: "Hi" }],
    [{ to: "+12025550123", body: "Hi!" }],
    [{ to: "+12025550123", body: "Hi", media_url: "https://a.example/1.png" }],
  ])("differs for %j", (fields) => {
    expect(key(fields)).not.toEqual(key({ to: "+12025550123", body: "Hi" }));
  });
});

describe("rejected rows", () => {
  it.each<[string, Record<string, string | string[]>, RequestDefaults, RegExp]>([
    ["no to column", { body: "x" }, {}, /no recipient: `to` is empty/],
    ["an empty to", { to: " ", body: "x" }, {}, /no recipient/],
    [
      "a national to without a country",
      { to: "2025550123", body: "x" },
      {},
      /to: `2025550123` has no country code.*--default-country/,
    ],
    [
      "an invalid to",
      { to: "+1202555", body: "x" },
      {},
      /to: `\+1202555` is not a valid phone number/,
    ],
    [
      "a list as to",
      { to: ["+12025550123"], body: "x" },
      {},
      /`to` must be a single value, not a list/,
    ],
    ["nothing to send", { to: "+12025550123" }, {}, /nothing to send: no body and no media_url/],
    ["a blank body", { to: "+12025550123", body: "   " }, {}, /nothing to send/],
    [
      "a template variable the row lacks",
      { to: "+12025550123" },
      { bodyTemplate: "Hi {{first_name}} {{city}}" },
      /the --body template uses \{\{first_name\}\}, \{\{city\}\}, which this row does not have/,
    ],
    [
      "a body over 1600",
      { to: "+12025550123", body: "a".repeat(1601) },
      {},
      /the body is 1601 characters \(UTF-16 units\); Twilio's limit is 1600/,
    ],
    [
      "1600 characters of emoji are 3200 units",
      { to: "+12025550123", body: `${"😀".repeat(800)}a` },
      {},
      /the body is 1601 characters/,
    ],
    ["no sender", { to: "+12025550123", body: "x" }, { from: undefined }, /no sender/],
    [
      "a bad from",
      { to: "+12025550123", body: "x", from: "not-a-number!" },
      {},
      /`from` `not-a-number!` is not a phone number, a short code or an alphanumeric sender ID/,
    ],
    [
      "an invalid from number",
      { to: "+12025550123", body: "x", from: "+1202" },
      {},
      /from: `\+1202` is not a valid phone number/,
    ],
    [
      "a bad messaging service",
      { to: "+12025550123", body: "x", messaging_service_sid: "MG123" },
      {},
      /messaging_service_sid `MG123` is not MG followed by 32 hex digits/,
    ],
    [
      "a relative media URL",
      { to: "+12025550123", media_url: "/a.png" },
      {},
      /media_url `\/a.png` is not an http\(s\) URL/,
    ],
    [
      "an ftp media URL",
      { to: "+12025550123", media_url: "ftp://a.example/1.png" },
      {},
      /not an http\(s\) URL/,
    ],
    [
      "11 media URLs",
      {
        to: "+12025550123",
        media_url: Array.from({ length: 11 }, (_, i) => `https://a.example/${i}.png`),
      },
      {},
      /media_url has 11 URLs; Twilio takes at most 10/,
    ],
    [
      "a bad status_callback",
      { to: "+12025550123", body: "x", status_callback: "hooks.example" },
      {},
      /status_callback `hooks.example` is not an http\(s\) URL/,
    ],
    [
      "send_at without a messaging service",
      { to: "+12025550123", body: "x", send_at: "2030-01-02T00:00:00Z" },
      {},
      /send_at needs a messaging_service_sid/,
    ],
    [
      "send_at too soon",
      { to: "+12025550123", body: "x", send_at: "2030-01-01T12:04:00Z" },
      { messagingServiceSid: MG },
      /only 240 s ahead/,
    ],
    [
      "send_at not ISO",
      { to: "+12025550123", body: "x", send_at: "tomorrow" },
      { messagingServiceSid: MG },
      /must be an ISO 8601 time with a zone/,
    ],
    [
      "validity_period 0",
      { to: "+12025550123", body: "x", validity_period: "0" },
      {},
      /validity_period must be whole seconds from 1 to 36000, got `0`/,
    ],
    [
      "validity_period 36001",
      { to: "+12025550123", body: "x", validity_period: "36001" },
      {},
      /got `36001`/,
    ],
    [
      "validity_period 1.5",
      { to: "+12025550123", body: "x", validity_period: "1.5" },
      {},
      /got `1.5`/,
    ],
  ])("%s", (_, fields, extra, expected) => {
    expect(reason(build(fields, extra))).toMatch(expected);
  });

  it("gives every reason at once", () => {
    const row = build({ to: "+1202", status_callback: "nope", validity_period: "0" });
    expect(reason(row).split("; ")).toHaveLength(4);
  });

  it.each([
    ["the normalised number once it is valid", { to: "(202) 555-0123" }, "+12025550123"],
    ["the number as written when it is not", { to: " 12345 " }, "12345"],
    ["nothing when there is none", {}, undefined],
  ])("reports %s", (_, fields, to) => {
    const row = build(fields, { defaultCountry: "US", from: undefined });
    expect(row.ok).toBe(false);
    expect(row.ok ? undefined : row.to).toBe(to);
  });
});
