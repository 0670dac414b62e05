import { isAuthorized } from "./basicAuth.js";
import { json, type Reply } from "./reply.js";
import type { ResolvedSimulatorOptions } from "./simulatorOptions.js";
import { authError, notFound, twilioError } from "./twilioError.js";

/** Pricing API v1: `GET /v1/Messaging/Countries/{IsoCountry}` (pricing.twilio.com). */
export type PricingRoute = { kind: "pricing"; isoCountry: string };

/**
 * The outbound SMS prices the simulator quotes, per segment in USD, by carrier. Round,
 * made-up figures of the right size: tests and rehearsals need stable answers, not today's
 * tariff. Any other country answers 404, as Twilio does for a country it does not serve.
 */
export const SIMULATED_SMS_PRICES: Record<string, { country: string; carriers: number[] }> = {
  US: { country: "United States", carriers: [0.0079, 0.0083] },
  CA: { country: "Canada", carriers: [0.0075, 0.008] },
  GB: { country: "United Kingdom", carriers: [0.04, 0.0463] },
};

const PATH = /^\/v1\/Messaging\/Countries\/([A-Za-z]{2})$/;

export function matchPricingRoute(method: string, pathname: string): PricingRoute | undefined {
  const match = PATH.exec(pathname);
  return match && method === "GET" ? { kind: "pricing", isoCountry: match[1]! } : undefined;
}

/** Twilio's MessagingCountry resource; the account is the simulator's, as for every request. */
export function answerPricing(
  options: Pick<ResolvedSimulatorOptions, "accountSid" | "authToken" | "apiKeys">,
  route: PricingRoute,
  authorization: string | undefined,
  path: string,
): Reply {
  if (!isAuthorized(authorization, options.accountSid, options)) return json(401, authError());
  const iso = route.isoCountry.toUpperCase();
  const entry = SIMULATED_SMS_PRICES[iso];
  if (!entry) return json(404, notFound(path));
  if (route.isoCountry !== iso) return json(400, twilioError(400, 20001, "Invalid IsoCountry"));
  return json(200, {
    country: entry.country,
    iso_country: iso,
    url: `https://pricing.twilio.com/v1/Messaging/Countries/${iso}`,
    price_unit: "USD",
    inbound_sms_prices: [{ number_type: "local", base_price: "0.0079", current_price: "0.0079" }],
    outbound_sms_prices: entry.carriers.map((price, i) => ({
      carrier: `Carrier ${i + 1}`,
      mcc: "001",
      mnc: String(i + 1).padStart(2, "0"),
      prices: [
        { number_type: "local", base_price: String(price), current_price: String(price) },
        { number_type: "toll free", base_price: String(price), current_price: String(price) },
      ],
    })),
  });
}
