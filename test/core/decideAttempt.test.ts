import { describe, expect, it } from "vitest";
import type { Classification } from "../../src/core/classifyCall.js";
import { backoffMs, decideAttempt } from "../../src/core/decideAttempt.js";

const policy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000, random: 0.5 };
const retry: Classification = {
  outcome: "retry",
  httpStatus: 429,
  errorCode: 20429,
  errorMessage: "Too Many Requests",
  retryAfterMs: null,
};

describe("decideAttempt", () => {
  it("retries a 429 until the last attempt, then records it failed with its code", () => {
    expect(decideAttempt(retry, 1, policy).next).toEqual({ kind: "retry", afterMs: 750 });
    expect(decideAttempt(retry, 2, policy).next).toEqual({ kind: "retry", afterMs: 1500 });
    const last = decideAttempt(retry, 3, policy);
    expect(last.next).toEqual({ kind: "done" });
    expect(last.record).toMatchObject({ outcome: "failed", httpStatus: 429, errorCode: 20429 });
  });

  it("gives a row up at once when Retry-After asks for longer than a run waits", () => {
    const decision = decideAttempt({ ...retry, retryAfterMs: 3_600_000 }, 1, policy);
    expect(decision.next).toEqual({ kind: "done" });
    expect(decision.record).toMatchObject({ outcome: "failed", errorCode: 20429 });
  });

  it("fails only the row when the unusable sender is the row's own", () => {
    const fatal: Classification = {
      outcome: "fatal",
      httpStatus: 400,
      errorCode: 21212,
      errorMessage: "invalid From",
      exitCode: 78,
    };
    expect(decideAttempt(fatal, 1, policy, true).next).toMatchObject({ kind: "stop" });
    const own = decideAttempt(fatal, 1, policy, false);
    expect(own.next).toEqual({ kind: "done" });
    expect(own.record).toMatchObject({ outcome: "failed", errorCode: 21212 });
    const auth = { ...fatal, httpStatus: 401, errorCode: 20003, exitCode: 77 as const };
    expect(decideAttempt(auth, 1, policy, false).next).toMatchObject({ kind: "stop" });
  });

  it("waits as long as Retry-After says", () => {
    const decision = decideAttempt({ ...retry, retryAfterMs: 4000 }, 1, policy);
    expect(decision.next).toEqual({ kind: "retry", afterMs: 4000 });
  });

  it("stops the run on a fatal answer and leaves the row for later", () => {
    const decision = decideAttempt(
      { outcome: "fatal", httpStatus: 401, errorCode: 20003, errorMessage: "auth", exitCode: 77 },
      1,
      policy,
    );
    expect(decision.record.outcome).toBe("fatal");
    expect(decision.next).toMatchObject({ kind: "stop", exitCode: 77 });
  });

  it.each([
    [undefined, "check the credentials (TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN"],
    [{ kind: "environment", apiKey: false }, "check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN,"],
    [
      { kind: "environment", apiKey: true },
      "check TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET,",
    ],
    [
      { kind: "profile", name: "acme", configPath: "/home/a/.twilio-cli/config.json" },
      'check profile "acme" in /home/a/.twilio-cli/config.json',
    ],
  ] as const)("names where refused credentials came from: %j", (source, action) => {
    const auth: Classification = {
      outcome: "fatal",
      httpStatus: 401,
      errorCode: 20003,
      errorMessage: "Authentication Error",
      exitCode: 77,
    };
    const next = decideAttempt(auth, 1, policy, true, source).next;
    expect(next.kind === "stop" && next.message).toContain(`To do: ${action}`);
  });

  it.each([
    [1, 0, 500],
    [1, 1, 1000],
    [3, 0.5, 3000],
    [10, 1, 30_000],
  ])("backoff for attempt %i with random %f is %i ms", (n, random, ms) => {
    expect(backoffMs(n, { ...policy, random })).toBe(ms);
  });
});
