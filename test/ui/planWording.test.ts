import { describe, expect, it } from "vitest";
import { type CostEstimate, flatCost } from "../../src/core/estimateCost.js";
import { countRequests, segmentRows } from "../../src/operations/countRequests.js";
import type { Plan } from "../../src/pipeline/preflight.js";
import { confirmQuestion, renderCost } from "../../src/ui/renderCost.js";
import { renderPlan } from "../../src/ui/renderSummary.js";

// The plan, the cost line and the question say what goes out by API: segments and their price
// belong to the texts; other APIs' requests are counted, and said to be unpriced.

const plan = (byApi: Record<string, number>, segments: number): Plan => {
  const valid = Object.values(byApi).reduce((a, b) => a + b, 0);
  return {
    rows: valid,
    valid,
    invalid: 0,
    skipped: 0,
    duplicates: 0,
    suppressed: 0,
    segments,
    byApi,
  };
};

describe("the plan's second line", () => {
  it.each([
    [{ messages: 3 }, 4, "      4 segments; about 3.0s at 1/s."],
    [{}, 0, "      0 segments; about 0.0s at 1/s."],
    [{ calls: 2, lookup: 1 }, 0, "      3 requests; about 3.0s at 1/s."],
    [{ messages: 2, verify: 1 }, 2, "      2 segments, 1 other request; about 3.0s at 1/s."],
  ])("%j with %i segments → %s", (byApi, segments, line) => {
    const p = plan(byApi, segments);
    expect(renderPlan(p, 1, segmentRows(p.byApi)).split("\n")[1]).toBe(line);
  });
});

describe("requests counted by API", () => {
  it.each([
    [{ messages: 1, calls: 2 }, {}, ["1 message", "2 calls"]],
    [
      { studio: 1, verify: 3, lookup: 1 },
      {},
      ["1 lookup", "3 verifications", "1 Studio execution"],
    ],
    [{ messages: 2, calls: 1 }, { segments: true }, ["2 messages"]],
    [{ messages: 2, calls: 1 }, { segments: false }, ["1 call"]],
    [{ fax: 2 }, {}, ["2 fax"]],
  ])("%j %j → %j", (byApi, only, expected) => {
    expect(countRequests(byApi, only)).toEqual(expected);
  });
});

describe("the cost line", () => {
  const priced: CostEstimate = {
    amount: 0.0166,
    unit: "USD",
    segments: 2,
    unpricedSegments: 0,
    unpricedCountries: [],
    reasons: [],
    source: "pricing",
  };
  it.each([
    [
      flatCost(4, 0.01),
      "      Estimated cost: 0.04 (4 segments at 0.01 each, --price-per-segment).",
    ],
    [
      { ...flatCost(0, 0.01), notPriced: ["2 calls"] },
      "      Estimated cost: not priced: 2 calls (only SMS segments are priced).",
    ],
    [
      { ...priced, notPriced: ["1 call", "1 lookup"] },
      "      Estimated cost: up to 0.0166 USD (2 segments at the highest carrier price in Twilio's Pricing API; carrier fees not included). Not priced: 1 call, 1 lookup.",
    ],
  ])("%j → %s", (cost, line) => {
    expect(renderCost(cost)).toBe(line);
  });
});

describe("the question", () => {
  const ask = (texts: string[], others: string[], cost?: CostEstimate) =>
    confirmQuestion({ texts, others, segments: 3, cost, accountSid: "AC1", profile: undefined });
  it.each([
    [
      ["3 messages"],
      [],
      flatCost(3, 0.01),
      "Send 3 messages (3 segments, 0.03) with Twilio account AC1?",
    ],
    [
      ["3 messages"],
      ["2 calls"],
      undefined,
      "Send 3 messages (3 segments), 2 calls with Twilio account AC1?",
    ],
    [
      [],
      ["2 calls", "1 lookup"],
      flatCost(0, 0.01),
      "Send 2 calls, 1 lookup with Twilio account AC1?",
    ],
  ])("%j %j → %s", (texts, others, cost, question) => {
    expect(ask(texts, others, cost)).toBe(question);
  });
});
