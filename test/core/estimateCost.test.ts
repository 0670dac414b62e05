import { describe, expect, it } from "vitest";
import {
  countryOfNumber,
  flatCost,
  pricedCost,
  type SegmentPrice,
  segmentsByCountry,
} from "../../src/core/estimateCost.js";

describe("countryOfNumber", () => {
  it.each([
    ["+12025550100", "US"],
    ["+14165550100", "CA"],
    ["+18765550100", "JM"],
    ["+33612345678", "FR"],
    ["+447700900123", "GB"],
    ["+80012345678", null],
  ])("%s → %s", (number, country) => {
    expect(countryOfNumber(number)).toBe(country);
  });
});

describe("segmentsByCountry", () => {
  it("adds up the groups of one country", () => {
    expect(
      segmentsByCountry([
        { sample: "+12025550100", segments: 3 },
        { sample: "+12125550100", segments: 2 },
        { sample: "+14165550100", segments: 1 },
      ]),
    ).toEqual([
      { isoCountry: "US", segments: 5 },
      { isoCountry: "CA", segments: 1 },
    ]);
  });
});

describe("pricedCost", () => {
  const prices: Record<string, SegmentPrice> = {
    US: { ok: true, price: 0.01, unit: "usd" },
    CA: { ok: true, price: 0.02, unit: "USD" },
    FR: { ok: false, reason: "the Pricing API answered 404 (20404)" },
    JP: { ok: true, price: 1, unit: "JPY" },
  };
  const priceOf = (iso: string) => prices[iso];

  it.each([
    [
      "all priced",
      [
        ["US", 10],
        ["CA", 5],
      ],
      { amount: 0.2, unit: "USD", unpricedSegments: 0 },
    ],
    [
      "one country unpriced",
      [
        ["US", 10],
        ["FR", 4],
      ],
      { amount: 0.1, unpricedSegments: 4, unpricedCountries: ["FR"] },
    ],
    [
      "nothing priced",
      [["FR", 4]],
      { amount: null, unit: null, reasons: ["the Pricing API answered 404 (20404)"] },
    ],
    [
      "no known country",
      [[null, 2]],
      { amount: null, unpricedCountries: ["?"], reasons: ["numbers of no known country"] },
    ],
    [
      "another currency is not added",
      [
        ["US", 1],
        ["JP", 1],
      ],
      { amount: 0.01, unpricedCountries: ["JP"], reasons: ["JP is priced in JPY, not USD"] },
    ],
  ] as const)("%s", (_name, countries, expected) => {
    const cost = pricedCost(
      countries.map(([isoCountry, segments]) => ({ isoCountry, segments })),
      priceOf,
    );
    expect(cost).toMatchObject({ ...expected, source: "pricing" });
    if (expected.amount !== null) expect(cost.amount).toBeCloseTo(expected.amount, 10);
  });

  it("flat: every segment at one price", () => {
    expect(flatCost(300, 0.0079)).toMatchObject({
      segments: 300,
      unpricedSegments: 0,
      source: "flat",
    });
    expect(flatCost(300, 0.0079).amount).toBeCloseTo(2.37, 10);
  });
});
