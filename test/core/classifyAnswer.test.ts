import { describe, expect, it } from "vitest";
import type { CallResult } from "../../src/core/callResult.js";
import { type AnswerSpec, classifyAnswer } from "../../src/core/classifyAnswer.js";

// The shared classifier, parametrised by each API's safety: what a create may have done is in
// doubt; what a read did not do is asked again.

const create: AnswerSpec = {
  safety: "create",
  noun: "a Call",
  sid: /^CA[0-9a-f]{32}$/,
  fatalCodes: new Set([20404]),
};
const read: AnswerSpec = { safety: "read", noun: "a Lookup answer", sid: null };

const reset: CallResult = { kind: "network", code: "ECONNRESET", message: "socket hang up" };
const refused: CallResult = { kind: "network", code: "ECONNREFUSED", message: "refused" };
const answer = (status: number, body: unknown): CallResult => ({
  kind: "response",
  status,
  headers: {},
  body,
});

describe("classifyAnswer", () => {
  it.each([
    ["a reset", reset, "in_doubt", "retry"],
    ["a refused connection", refused, "retry", "retry"],
    ["a 500", answer(500, { code: 20500, message: "Internal" }), "in_doubt", "retry"],
    ["a 2xx that is not the resource", answer(200, "<html>"), "in_doubt", "retry"],
    ["a 429", answer(429, { code: 20429 }), "retry", "retry"],
    ["a 400", answer(400, { code: 21214, message: "no" }), "failed", "failed"],
    ["a 401", answer(401, { code: 20003, message: "auth" }), "fatal", "fatal"],
  ])("%s: create → %s, read → %s", (_what, result, forCreate, forRead) => {
    expect(classifyAnswer(result, create).outcome).toBe(forCreate);
    expect(classifyAnswer(result, read).outcome).toBe(forRead);
  });

  it.each([
    [60203, "failed"],
    [60212, "failed"],
    [20429, "retry"],
    [null, "retry"],
  ])("a 429 with code %s, for an API that fails 60203/60212 now → %s", (code, outcome) => {
    const spec = { ...create, failNowCodes: new Set([60203, 60212]) };
    const body = code === null ? {} : { code, message: "Max send attempts reached" };
    expect(classifyAnswer(answer(429, body), spec).outcome).toBe(outcome);
    expect(classifyAnswer(answer(429, body), create).outcome).toBe("retry");
  });

  it("keeps what the operation wants of a success, with a sid only for what has one", () => {
    const sid = `CA${"0".repeat(32)}`;
    const withResult = { ...create, result: (b: Record<string, unknown>) => ({ s: b.status }) };
    expect(classifyAnswer(answer(201, { sid, status: "queued" }), withResult)).toEqual({
      outcome: "sent",
      httpStatus: 201,
      sid,
      twilioStatus: "queued",
      result: { s: "queued" },
    });
    expect(classifyAnswer(answer(200, { phone_number: "+1", valid: true }), read)).toMatchObject({
      outcome: "sent",
      sid: null,
    });
  });

  it("stops the run on an API's own fatal codes (the run's flow or service does not exist)", () => {
    expect(
      classifyAnswer(answer(404, { code: 20404, message: "not found" }), create),
    ).toMatchObject({ outcome: "fatal", exitCode: 78 });
    expect(classifyAnswer(answer(404, { code: 20404, message: "not found" }), read).outcome).toBe(
      "failed",
    );
  });
});
