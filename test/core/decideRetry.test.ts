import { describe, expect, it } from "vitest";
import { decideRetry, type RetryCandidate, type RetryFilter } from "../../src/core/decideRetry.js";

const filter = (f: {
  states?: readonly ("failed" | "pending")[];
  statuses?: readonly number[];
  codes?: readonly number[];
}) =>
  ({
    states: new Set(f.states ?? []),
    statuses: new Set(f.statuses ?? []),
    codes: new Set(f.codes ?? []),
  }) satisfies RetryFilter;

const row = (r: Partial<RetryCandidate>): RetryCandidate => ({
  state: "failed",
  httpStatus: null,
  errorCode: null,
  deliveryStatus: null,
  deliveryErrorCode: null,
  suppressed: false,
  ...r,
});

const failed = (httpStatus: number | null, errorCode: number | null, extra = {}) =>
  row({ state: "failed", httpStatus, errorCode, ...extra });
const undelivered = (code: number, status = "undelivered") =>
  row({ state: "sent", httpStatus: 201, deliveryStatus: status, deliveryErrorCode: code });

describe("decideRetry", () => {
  it.each([
    ["--status 429 selects a rate-limited row", failed(429, 20429), { statuses: [429] }, "retry"],
    ["--status 429 ignores a 400", failed(400, 21211), { statuses: [429] }, "leave no_match"],
    ["--code 20429 selects it too", failed(429, 20429), { codes: [20429] }, "retry"],
    ["--code lists match any code", failed(400, 21611), { codes: [20429, 21611] }, "retry"],
    ["--state failed selects a failed row", failed(429, 20429), { states: ["failed"] }, "retry"],
    [
      "--state failed leaves a permanent failure",
      failed(400, 21211),
      { states: ["failed"] },
      "leave permanent",
    ],
    [
      "--status 400 leaves a permanent failure",
      failed(400, 21617),
      { statuses: [400] },
      "leave permanent",
    ],
    ["naming the permanent code retries it", failed(400, 21211), { codes: [21211] }, "retry"],
    [
      "an opted-out row is left unless named",
      failed(400, 21610),
      { states: ["failed"] },
      "leave permanent",
    ],
    [
      "named, an opted-out number still is not sent: it is suppressed",
      failed(400, 21610, { suppressed: true }),
      { codes: [21610] },
      "leave suppressed",
    ],
    [
      "a failure with no code (refused connection)",
      failed(null, null),
      { states: ["failed"] },
      "retry",
    ],
    ["an unknown code is retryable", failed(400, 99999), { states: ["failed"] }, "retry"],
    [
      "a later-class code (queue full) by state",
      failed(400, 21611),
      { states: ["failed"] },
      "retry",
    ],
    [
      "options combine: state and status",
      failed(429, 20429),
      { states: ["failed"], statuses: [429] },
      "retry",
    ],
    [
      "options combine: a pending row is not failed",
      row({ state: "pending", httpStatus: 429, errorCode: 20429 }),
      { states: ["failed"], statuses: [429] },
      "leave no_match",
    ],
    [
      "--state pending selects a never-sent row",
      row({ state: "pending" }),
      { states: ["pending"] },
      "retry",
    ],
    [
      "--status 429 selects a pending row whose last attempt was 429",
      row({ state: "pending", httpStatus: 429, errorCode: 20429 }),
      { statuses: [429] },
      "retry",
    ],
    [
      "a pending row to a suppressed number is skipped",
      row({ state: "pending", suppressed: true }),
      { states: ["pending"] },
      "skip",
    ],
    [
      "a failed row to a suppressed number is left failed",
      failed(429, 20429, { suppressed: true }),
      { statuses: [429] },
      "leave suppressed",
    ],
    [
      "in doubt: never, even when matched",
      row({ state: "in_doubt", httpStatus: 500, errorCode: 20500 }),
      { statuses: [500] },
      "leave in_doubt",
    ],
    [
      "in doubt: never, by state",
      row({ state: "in_doubt" }),
      { states: ["failed", "pending"] },
      "leave in_doubt",
    ],
    [
      "a sent row is never a candidate",
      row({ state: "sent", httpStatus: 201 }),
      { statuses: [201] },
      "leave no_match",
    ],
    [
      "invalid rows have nothing to send",
      row({ state: "invalid" }),
      { states: ["failed"] },
      "leave no_match",
    ],
    [
      "skipped rows stay skipped",
      row({ state: "skipped" }),
      { states: ["pending"] },
      "leave no_match",
    ],
    ["undelivered 30001, named: sent again", undelivered(30001), { codes: [30001] }, "retry"],
    [
      "undelivered by --state failed: no",
      undelivered(30001),
      { states: ["failed"] },
      "leave no_match",
    ],
    [
      "undelivered 30007 (filtered), named: retried",
      undelivered(30007, "failed"),
      { codes: [30007] },
      "retry",
    ],
    [
      "undelivered 30006 (landline), named: suppressed",
      row({ ...undelivered(30006), suppressed: true }),
      { codes: [30006] },
      "leave suppressed",
    ],
    [
      "delivered rows never",
      row({ state: "sent", deliveryStatus: "delivered" }),
      { codes: [30001] },
      "leave no_match",
    ],
  ] as const)("%s", (_name, candidate, f, expected) => {
    const decision = decideRetry(candidate, filter(f));
    const got = decision.kind === "leave" ? `leave ${decision.why}` : decision.kind;
    expect(got).toBe(expected);
  });

  it.each([
    [failed(400, 21211), { codes: [21211] }, 21211],
    [failed(400, 21617), { codes: [21617] }, 21617],
    [undelivered(30007, "failed"), { codes: [30007] }, 30007],
    [failed(429, 20429), { codes: [20429] }, null],
    [failed(400, 21611), { codes: [21611] }, null],
  ] as const)("warns when a permanent code is named: %j → %s", (candidate, f, named) => {
    expect(decideRetry(candidate, filter(f))).toEqual({ kind: "retry", namedCode: named });
  });
});
