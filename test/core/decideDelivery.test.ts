import { describe, expect, it } from "vitest";
import { classifyFetchError } from "../../src/core/classifyFetchError.js";
import { decideDelivery, isFinalDelivery, suppressionFor } from "../../src/core/decideDelivery.js";

describe("decideDelivery", () => {
  it.each([
    ["queued", null, false, null],
    ["accepted", null, false, null],
    ["scheduled", null, false, null],
    ["sending", null, false, null],
    ["sent", null, false, null],
    ["delivered", null, true, null],
    ["read", null, true, null],
    ["undelivered", 30003, true, null],
    ["undelivered", 30006, true, 30006],
    ["failed", 30007, true, null],
    ["failed", 21610, true, 21610],
    ["undelivered", 21614, true, 21614],
    ["canceled", null, true, null],
  ] as const)("%s with %s: final %s, suppresses %s", (status, errorCode, final, suppressed) => {
    const update = decideDelivery({ status, errorCode });
    expect(update).toMatchObject({ status, errorCode, final });
    expect(update.suppress?.code ?? null).toBe(suppressed);
  });

  it("gives the reason a skipped row will show", () => {
    expect(suppressionFor(30006)).toEqual({
      code: 30006,
      reason: "landline or unreachable carrier (error 30006)",
    });
    expect(suppressionFor(20429)).toBeNull();
  });

  it("treats an unknown status as not final, so it is asked about again", () => {
    expect(isFinalDelivery("receiving")).toBe(false);
    expect(isFinalDelivery(null)).toBe(false);
  });
});

describe("classifyFetchError", () => {
  it.each([
    ["429", { status: 429, code: 20429 }, "retry"],
    ["500", { status: 500, code: 20500 }, "retry"],
    ["503 without a code", { status: 503, code: null }, "retry"],
    ["connection refused", { status: null, code: "ECONNREFUSED" }, "retry"],
    ["timeout", { status: null, code: "ECONNABORTED" }, "retry"],
    ["404", { status: 404, code: 20404 }, "skip"],
    ["400", { status: 400, code: 21211 }, "skip"],
    ["401", { status: 401, code: 20003 }, "stop"],
    ["403 test credentials", { status: 403, code: 20008 }, "stop"],
  ] as const)("%s → %s", (_name, failure, kind) => {
    expect(classifyFetchError({ ...failure, message: "m" }).kind).toBe(kind);
  });

  it("tells a message Twilio does not know from one it refused to show", () => {
    expect(classifyFetchError({ status: 404, code: 20404, message: "m" })).toEqual({
      kind: "skip",
      reason: "not_found",
    });
    expect(classifyFetchError({ status: 400, code: 20001, message: "m" })).toEqual({
      kind: "skip",
      reason: "refused",
    });
  });
});
