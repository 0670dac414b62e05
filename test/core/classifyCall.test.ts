import { describe, expect, it } from "vitest";
import type { CallResult } from "../../src/core/callResult.js";
import { classifyCall, parseRetryAfter } from "../../src/core/classifyCall.js";

const SID = "SM0123456789abcdef0123456789abcdef";
const response = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): CallResult => ({
  kind: "response",
  status,
  headers,
  body,
});
const twilioError = (status: number, code: number, message = "err") =>
  response(status, { code, message, more_info: "", status });
const network = (code: string): CallResult => ({ kind: "network", code, message: "boom" });

describe("classifyCall", () => {
  it.each([
    ["201 with a Message", response(201, { sid: SID, status: "queued" }), "sent"],
    [
      "201 with an MMS sid",
      response(201, { sid: SID.replace("SM", "MM"), status: "queued" }),
      "sent",
    ],
    ["201 with no sid", response(201, { status: "queued" }), "in_doubt"],
    ["201 with HTML", response(201, "<html>oops</html>"), "in_doubt"],
    ["429 20429", twilioError(429, 20429), "retry"],
    ["429 without a body", response(429, ""), "retry"],
    ["400 21211 invalid To", twilioError(400, 21211), "failed"],
    ["400 21610 opted out", twilioError(400, 21610), "failed"],
    ["400 21611 queue full", twilioError(400, 21611), "failed"],
    ["404 unknown", twilioError(404, 20404), "failed"],
    ["401 20003", twilioError(401, 20003), "fatal"],
    ["401 without code", response(401, "Unauthorized"), "fatal"],
    ["403 20008", twilioError(403, 20008), "fatal"],
    ["400 21212 bad From", twilioError(400, 21212), "fatal"],
    ["400 21606 From not ours", twilioError(400, 21606), "fatal"],
    ["400 21659 From not ours", twilioError(400, 21659), "fatal"],
    ["500 20500", twilioError(500, 20500), "in_doubt"],
    ["503 HTML", response(503, "<html/>"), "in_doubt"],
    ["302 redirect", response(302, ""), "in_doubt"],
    ["connection refused", network("ECONNREFUSED"), "retry"],
    ["DNS failure", network("ENOTFOUND"), "retry"],
    ["connection reset", network("ECONNRESET"), "in_doubt"],
    ["axios timeout", network("ECONNABORTED"), "in_doubt"],
    ["socket timeout", network("ETIMEDOUT"), "in_doubt"],
    ["broken pipe", network("EPIPE"), "in_doubt"],
    ["unknown transport error", network("EUNKNOWN"), "in_doubt"],
    ["not sent by the client", { kind: "not_sent", message: "bad param" } as CallResult, "failed"],
  ])("%s → %s", (_name, result, outcome) => {
    expect(classifyCall(result, 0).outcome).toBe(outcome);
  });

  it("keeps the sid and Twilio's status of a sent message", () => {
    expect(classifyCall(response(201, { sid: SID, status: "accepted" }))).toEqual({
      outcome: "sent",
      httpStatus: 201,
      sid: SID,
      twilioStatus: "accepted",
    });
  });

  it("exits 77 for authentication and 78 for an unusable sender", () => {
    const auth = classifyCall(twilioError(401, 20003));
    const from = classifyCall(twilioError(400, 21212));
    expect(auth.outcome === "fatal" && auth.exitCode).toBe(77);
    expect(from.outcome === "fatal" && from.exitCode).toBe(78);
  });

  it("honours Retry-After on a 429", () => {
    const c = classifyCall(twilioError(429, 20429), 0);
    expect(c.outcome === "retry" && c.retryAfterMs).toBe(null);
    const withHeader = classifyCall(
      response(429, { code: 20429, message: "Too Many Requests" }, { "retry-after": "2" }),
      0,
    );
    expect(withHeader.outcome === "retry" && withHeader.retryAfterMs).toBe(2000);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it.each([
    [undefined, null],
    ["", null],
    ["0", 0],
    ["3", 3000],
    ["1.5", 1500],
    ["Thu, 01 Jan 2026 00:00:05 GMT", 5000],
    ["Wed, 31 Dec 2025 23:59:00 GMT", 0],
    ["soon", null],
    ["-1", null],
    ["1 2", null],
    ["5, 5", 5000],
    ["Thu, 01 Jan 2026", null],
  ])("%s → %s", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});
