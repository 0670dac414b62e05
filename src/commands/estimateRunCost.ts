import {
  type CostEstimate,
  flatCost,
  pricedCost,
  type SegmentPrice,
  segmentsByCountry,
} from "../core/estimateCost.js";
import type { Journal } from "../journal/journal.js";
import { pendingByApi } from "../journal/pendingByApi.js";
import { pendingSegments } from "../journal/pendingSegments.js";
import { countRequests } from "../operations/countRequests.js";
import type { Credentials } from "../twilio/readCredentials.js";
import { USER_AGENT } from "./openMessenger.js";

export interface CostOptions {
  /** `--price-per-segment`: no lookup at all. */
  pricePerSegment: number | undefined;
  /** Ask Twilio's Pricing API (only when someone is about to be asked to confirm). */
  lookUp: boolean;
  apiUrl: URL | undefined;
  timeoutMs: number;
  /**
   * How long all the lookups together may take; countries not priced by then count as not
   * priced. @default 10 s
   */
  pricingBudgetMs?: number | undefined;
}

/**
 * A slow Pricing API must not keep an operator waiting at the prompt longer than this, however
 * many countries the list covers: one deadline for every lookup, not one per country.
 */
const LOOKUP_BUDGET_MS = 10_000;
const LOOKUPS_AT_ONCE = 4;

/**
 * What the run's pending segments should cost, or undefined when nobody asked. A lookup that
 * fails leaves its countries unpriced ("cost unknown"); it never stops the send.
 */
export async function estimateRunCost(
  journal: Journal,
  runId: number,
  options: CostOptions,
  credentials: Credentials | undefined,
): Promise<CostEstimate | undefined> {
  const flat = options.pricePerSegment;
  // Cron's sends are not slowed by a scan of the journal that nobody would read.
  if (flat === undefined && (!options.lookUp || !credentials)) return undefined;
  const others = countRequests(await pendingByApi(journal, runId), { segments: false });
  const notPriced = others.length > 0 ? { notPriced: others } : {};
  // Rows of other APIs share number prefixes with messages but have no segments to price.
  const groups = (await pendingSegments(journal, runId)).filter((group) => group.segments > 0);
  if (flat !== undefined) {
    const segments = groups.reduce((sum, group) => sum + group.segments, 0);
    return { ...flatCost(segments, flat), ...notPriced };
  }
  if (!credentials) return undefined;
  const countries = segmentsByCountry(groups);
  const isos = countries.flatMap((c) => (c.isoCountry === null ? [] : [c.isoCountry]));
  const prices = await lookUpPrices(isos, credentials, options);
  return { ...pricedCost(countries, (iso) => prices.get(iso)), ...notPriced };
}

async function lookUpPrices(
  isos: string[],
  credentials: Credentials,
  options: CostOptions,
): Promise<Map<string, SegmentPrice>> {
  const prices = new Map<string, SegmentPrice>();
  if (isos.length === 0) return prices;
  const budgetMs = options.pricingBudgetMs ?? LOOKUP_BUDGET_MS;
  const deadline = AbortSignal.timeout(budgetMs);
  const { openTwilioPricing } = await import("../twilio/twilioPricing.js");
  const pricing = openTwilioPricing({
    credentials,
    apiUrl: options.apiUrl,
    timeoutMs: Math.min(options.timeoutMs, budgetMs),
    userAgent: USER_AGENT,
  });
  const queue = [...isos];
  const worker = async () => {
    for (let iso = queue.shift(); iso !== undefined; iso = queue.shift()) {
      let price: SegmentPrice;
      try {
        const found = await pricing.countryPrice(iso);
        price = { ok: true, price: found.maxPrice, unit: found.priceUnit };
      } catch (error) {
        price = { ok: false, reason: `the Pricing API ${lookupFailure(error)}` };
      }
      // An answer after the deadline is not waited for, and not used either.
      if (deadline.aborted) return;
      prices.set(iso, price);
    }
  };
  const late = new Promise<void>((resolve) =>
    deadline.addEventListener("abort", () => resolve(), { once: true }),
  );
  try {
    await Promise.race([
      Promise.all(Array.from({ length: Math.min(LOOKUPS_AT_ONCE, isos.length) }, worker)),
      late,
    ]);
  } finally {
    // Ends the lookups still waiting: their sockets close, their workers return.
    queue.length = 0;
    pricing.close();
  }
  const reason = `the Pricing API did not answer within ${budgetMs / 1000}s`;
  for (const iso of isos) if (!prices.has(iso)) prices.set(iso, { ok: false, reason });
  return prices;
}

/** Only status, code and message: a transport error's config holds the Authorization header. */
function lookupFailure(error: unknown): string {
  const e = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  if (typeof e.status === "number") {
    return `answered ${e.status}${typeof e.code === "number" ? ` (${e.code})` : ""}`;
  }
  if (typeof e.code === "string") return `could not be reached (${e.code})`;
  return `failed (${typeof e.message === "string" ? e.message : "no answer"})`;
}
