import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/** Segments still to send to one country (null: a number no country claims, e.g. +1 500). */
export interface CountrySegments {
  isoCountry: string | null;
  segments: number;
}

/** A country's price per segment, or why there is none. */
export type SegmentPrice =
  | { ok: true; price: number; unit: string }
  | { ok: false; reason: string };

export interface CostEstimate {
  /** Sum over the segments whose price is known; null when none is. */
  amount: number | null;
  unit: string | null;
  segments: number;
  /** Segments whose price is not known, and the countries they go to ("?" for none). */
  unpricedSegments: number;
  unpricedCountries: string[];
  /** Why prices were missing, one line per distinct reason. */
  reasons: string[];
  /** `flat` is `--price-per-segment`; `pricing` is Twilio's Pricing API. */
  source: "flat" | "pricing";
  /** The flat price, for `flat`. */
  pricePerSegment?: number;
  /** Requests of APIs with no segment to price (calls, lookups …), counted: "2 calls". */
  notPriced?: string[];
}

/**
 * The country of an E.164 number, from its leading digits (the +1 area code decides US or CA).
 * A number the metadata cannot place exactly goes to the first country sharing its prefix
 * (GB for +44 7700…): an estimate, not a routing decision.
 */
export function countryOfNumber(e164: string): string | null {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed?.country ?? parsed?.getPossibleCountries()[0] ?? null;
}

/** Adds up segments by country. */
export function segmentsByCountry(
  groups: readonly { sample: string; segments: number }[],
): CountrySegments[] {
  const totals = new Map<string | null, number>();
  for (const group of groups) {
    const iso = countryOfNumber(group.sample);
    totals.set(iso, (totals.get(iso) ?? 0) + group.segments);
  }
  return [...totals].map(([isoCountry, segments]) => ({ isoCountry, segments }));
}

/** One price for every segment: `--price-per-segment`. */
export function flatCost(segments: number, price: number): CostEstimate {
  return {
    amount: segments * price,
    unit: null,
    segments,
    unpricedSegments: 0,
    unpricedCountries: [],
    reasons: [],
    source: "flat",
    pricePerSegment: price,
  };
}

/**
 * The cost of the segments by country at each country's price. Prices in different currencies
 * are not added up: the first currency wins and the others count as unpriced.
 */
export function pricedCost(
  countries: readonly CountrySegments[],
  priceOf: (isoCountry: string) => SegmentPrice | undefined,
): CostEstimate {
  let amount: number | null = null;
  let unit: string | null = null;
  let segments = 0;
  let unpricedSegments = 0;
  const unpricedCountries: string[] = [];
  const reasons = new Set<string>();
  for (const { isoCountry, segments: count } of countries) {
    segments += count;
    if (count === 0) continue;
    const price = isoCountry === null ? undefined : priceOf(isoCountry);
    const sameUnit = price?.ok && (unit === null || price.unit.toUpperCase() === unit);
    if (price?.ok && sameUnit) {
      unit = price.unit.toUpperCase();
      amount = (amount ?? 0) + count * price.price;
      continue;
    }
    unpricedSegments += count;
    unpricedCountries.push(isoCountry ?? "?");
    if (isoCountry === null) reasons.add("numbers of no known country");
    else if (price && !price.ok) reasons.add(price.reason);
    else if (price?.ok) reasons.add(`${isoCountry} is priced in ${price.unit}, not ${unit}`);
  }
  return {
    amount,
    unit,
    segments,
    unpricedSegments,
    unpricedCountries,
    reasons: [...reasons],
    source: "pricing",
  };
}
