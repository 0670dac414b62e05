import { matchPricingRoute, type PricingRoute } from "./pricingCountry.js";

export type Route =
  | { kind: "create"; accountSid: string }
  | { kind: "list"; accountSid: string }
  | { kind: "fetch"; accountSid: string; sid: string }
  | { kind: "notAllowed"; accountSid: string }
  | { kind: "otherApi"; accountSid: string }
  | { kind: "control"; name: string }
  | PricingRoute
  | { kind: "notFound" };

const MESSAGES = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const MESSAGE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/;
const ACCOUNT = /^\/2010-04-01\/Accounts\/([^/]+)(?:\/|\.json$|$)/;

/** Names what a request asks for, before anything is read or checked. */
export function matchRoute(method: string, pathname: string): Route {
  if (pathname.startsWith("/_sim/")) return { kind: "control", name: pathname.slice(6) };
  const pricing = matchPricingRoute(method, pathname);
  if (pricing) return pricing;
  const list = MESSAGES.exec(pathname);
  if (list) {
    const accountSid = decode(list[1]!);
    if (method === "POST") return { kind: "create", accountSid };
    return method === "GET" ? { kind: "list", accountSid } : { kind: "notAllowed", accountSid };
  }
  const one = MESSAGE.exec(pathname);
  if (one) {
    const accountSid = decode(one[1]!);
    if (method !== "GET") return { kind: "notAllowed", accountSid };
    return { kind: "fetch", accountSid, sid: decode(one[2]!) };
  }
  const account = ACCOUNT.exec(pathname);
  if (account) return { kind: "otherApi", accountSid: decode(account[1]!) };
  return { kind: "notFound" };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape cannot name our account or a message; keep it as is so it fails there.
    return segment;
  }
}
