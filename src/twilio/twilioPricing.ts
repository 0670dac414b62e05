import { buildTwilioClient } from "./buildTwilioClient.js";
import type { Credentials } from "./readCredentials.js";

/** What one destination country costs per outbound SMS segment, from Twilio's Pricing API. */
export interface CountryPrice {
  isoCountry: string;
  /** The highest current price of any carrier and sender type: an estimate should not flatter. */
  maxPrice: number;
  minPrice: number;
  /** As Twilio writes it: `USD`, `usd`, `EUR`… */
  priceUnit: string;
}

export interface PricingConfig {
  credentials: Credentials;
  apiUrl: URL | undefined;
  timeoutMs: number;
  userAgent: string;
}

export interface Pricing {
  /** Throws when Twilio cannot say (a 4xx or 5xx, a timeout, no prices in the answer). */
  countryPrice(isoCountry: string): Promise<CountryPrice>;
  close(): void;
}

/** Pricing API v1 (`GET pricing.twilio.com/v1/Messaging/Countries/{IsoCountry}`) through twilio-node. */
export function openTwilioPricing(config: PricingConfig): Pricing {
  const { client, httpClient } = buildTwilioClient({ ...config, maxSockets: 4 });
  return {
    async countryPrice(isoCountry) {
      const country = await client.pricing.v1.messaging.countries(isoCountry).fetch();
      // twilio-node passes each carrier's `prices` through as Twilio sent them: snake_case,
      // with prices as decimal strings.
      const prices = (country.outboundSmsPrices ?? [])
        .flatMap((carrier) => (carrier.prices ?? []) as unknown[])
        .map(currentPrice)
        .filter((price): price is number => price !== undefined);
      if (prices.length === 0) throw new Error(`no outbound SMS prices for ${isoCountry}`);
      return {
        isoCountry,
        maxPrice: Math.max(...prices),
        minPrice: Math.min(...prices),
        priceUnit: country.priceUnit || "USD",
      };
    },
    close() {
      httpClient.destroy();
    },
  };
}

function currentPrice(entry: unknown): number | undefined {
  if (typeof entry !== "object" || entry === null) return undefined;
  const e = entry as Record<string, unknown>;
  const value = Number(e.current_price ?? e.currentPrice ?? e.base_price ?? e.basePrice);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
