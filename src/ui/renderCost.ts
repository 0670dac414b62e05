import type { CostEstimate } from "../core/estimateCost.js";

const n = (value: number) => value.toLocaleString("en-US");
const segments = (count: number) => `${n(count)} segment${count === 1 ? "" : "s"}`;

function money(amount: number, unit: string | null): string {
  const digits = amount !== 0 && amount < 1 ? 4 : 2;
  const text = amount.toLocaleString("en-US", {
    minimumFractionDigits: 2,
    maximumFractionDigits: digits,
  });
  return unit ? `${text} ${unit}` : text;
}

/** The plan's cost line, indented under it; requests of APIs without segments are named unpriced. */
export function renderCost(cost: CostEstimate): string {
  const others = cost.notPriced?.join(", ") ?? "";
  if (cost.segments === 0 && others !== "") {
    return `      Estimated cost: not priced: ${others} (only SMS segments are priced).`;
  }
  const line = segmentCost(cost);
  return others === "" ? line : `${line} Not priced: ${others}.`;
}

function segmentCost(cost: CostEstimate): string {
  const prefix = "      Estimated cost:";
  if (cost.source === "flat") {
    return `${prefix} ${money(cost.amount ?? 0, null)} (${segments(cost.segments)} at ${cost.pricePerSegment} each, --price-per-segment).`;
  }
  const why = cost.reasons.join("; ");
  if (cost.amount === null) {
    return `${prefix} unknown (${why || "no prices"}); pass --price-per-segment to estimate it yourself.`;
  }
  const priced = cost.segments - cost.unpricedSegments;
  if (cost.unpricedSegments > 0) {
    return `${prefix} at least ${money(cost.amount, cost.unit)} for ${segments(priced)}; ${segments(cost.unpricedSegments)} to ${cost.unpricedCountries.join(", ")} not priced (${why}).`;
  }
  return `${prefix} up to ${money(cost.amount, cost.unit)} (${segments(cost.segments)} at the highest carrier price in Twilio's Pricing API; carrier fees not included).`;
}

/**
 * The confirmation question: what will go out by API, what the texts cost, and from which
 * account. `texts`: the counted requests whose units are SMS segments ("3 messages"), which
 * carry the segments and the price; `others`: the rest ("2 calls").
 */
export function confirmQuestion(args: {
  texts: readonly string[];
  others: readonly string[];
  segments: number;
  cost: CostEstimate | undefined;
  accountSid: string;
  profile: string | undefined;
}): string {
  const { cost } = args;
  let price = "";
  if (cost?.amount != null) {
    const bound = cost.source === "flat" ? "" : cost.unpricedSegments > 0 ? "at least " : "up to ";
    price = `, ${bound}${money(cost.amount, cost.unit)}`;
  } else if (cost) {
    price = ", cost unknown";
  }
  const account = args.profile
    ? `account ${args.accountSid} (profile ${args.profile})`
    : `account ${args.accountSid}`;
  const texts =
    args.texts.length > 0 ? [`${args.texts.join(", ")} (${segments(args.segments)}${price})`] : [];
  return `Send ${[...texts, ...args.others].join(", ")} with Twilio ${account}?`;
}
