import { matchPricingRoute, type PricingRoute } from "./pricingCountry.js";
/** The APIs the simulator serves, one handler file each. */
export type ApiName = "messages" | "calls" | "lookup" | "verify" | "studio";

/**
 * A request that meets the fate sequence of answerMetered (faults, limits, validation): every
 * create, and Lookup's GET, which Twilio meters and bills like one.
 */
export interface MeteredRoute {
  kind: "metered";
  api: ApiName;
  /** From a 2010-04-01 path; null for the v2 APIs, whose paths name no account. */
  accountSid: string | null;
  /** The path's own sid or number: the Verify Service, the Studio Flow, the looked-up number. */
  subject: string | null;
}

export type Route =
  | MeteredRoute
  | {
      kind: "list";
      api: "messages" | "calls" | "studio";
      accountSid: string | null;
      subject: string | null;
    }
  | {
      kind: "fetch";
      api: "messages" | "calls" | "verify" | "studio";
      accountSid: string | null;
      /** The Verify Service or Studio Flow the resource must belong to. */
      subject: string | null;
      sid: string;
    }
  | { kind: "notAllowed"; accountSid: string | null }
  | { kind: "otherApi"; accountSid: string }
  | { kind: "control"; name: string }
  | PricingRoute
  | { kind: "notFound" };

// Twilio's real paths with the hosts collapsed: api, lookups, verify and studio on one origin.
const ACCOUNT_LIST = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/;
const ACCOUNT_ONE = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\/([^/]+)\.json$/;
const ACCOUNT = /^\/2010-04-01\/Accounts\/([^/]+)(?:\/|\.json$|$)/;
const PHONE_NUMBER = /^\/v2\/PhoneNumbers\/([^/]+)$/;
const VERIFICATIONS = /^\/v2\/Services\/([^/]+)\/Verifications$/;
const EXECUTIONS = /^\/v2\/Flows\/([^/]+)\/Executions$/;
const VERIFICATION = /^\/v2\/Services\/([^/]+)\/Verifications\/([^/]+)$/;
const EXECUTION = /^\/v2\/Flows\/([^/]+)\/Executions\/([^/]+)$/;

/** Names what a request asks for, before anything is read or checked. */
export function matchRoute(method: string, pathname: string): Route {
  if (pathname.startsWith("/_sim/")) return { kind: "control", name: pathname.slice(6) };
  const pricing = matchPricingRoute(method, pathname);
  if (pricing) return pricing;
  const list = ACCOUNT_LIST.exec(pathname);
  if (list) {
    const accountSid = decode(list[1]!);
    const api = list[2] === "Calls" ? "calls" : "messages";
    if (method === "POST") return { kind: "metered", api, accountSid, subject: null };
    if (method !== "GET") return { kind: "notAllowed", accountSid };
    return { kind: "list", api, accountSid, subject: null };
  }
  const one = ACCOUNT_ONE.exec(pathname);
  if (one) {
    const accountSid = decode(one[1]!);
    if (method !== "GET") return { kind: "notAllowed", accountSid };
    const api = one[2] === "Calls" ? "calls" : "messages";
    return { kind: "fetch", api, accountSid, subject: null, sid: decode(one[3]!) };
  }
  const account = ACCOUNT.exec(pathname);
  if (account) return { kind: "otherApi", accountSid: decode(account[1]!) };
  return matchV2(method, pathname);
}

function matchV2(method: string, pathname: string): Route {
  const number = PHONE_NUMBER.exec(pathname);
  if (number) {
    if (method !== "GET") return { kind: "notAllowed", accountSid: null };
    return { kind: "metered", api: "lookup", accountSid: null, subject: decode(number[1]!) };
  }
  const service = VERIFICATIONS.exec(pathname);
  if (service) {
    // Verify has no list of verifications, so a GET here is refused like any other method.
    if (method !== "POST") return { kind: "notAllowed", accountSid: null };
    return { kind: "metered", api: "verify", accountSid: null, subject: decode(service[1]!) };
  }
  const flow = EXECUTIONS.exec(pathname);
  if (flow) {
    const subject = decode(flow[1]!);
    if (method === "POST") return { kind: "metered", api: "studio", accountSid: null, subject };
    if (method !== "GET") return { kind: "notAllowed", accountSid: null };
    return { kind: "list", api: "studio", accountSid: null, subject };
  }
  for (const [pattern, api] of [
    [VERIFICATION, "verify"],
    [EXECUTION, "studio"],
  ] as const) {
    const one = pattern.exec(pathname);
    if (!one) continue;
    if (method !== "GET") return { kind: "notAllowed", accountSid: null };
    return { kind: "fetch", api, accountSid: null, subject: decode(one[1]!), sid: decode(one[2]!) };
  }
  return { kind: "notFound" };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape cannot name our account or a resource; keep it as is so it fails there.
    return segment;
  }
}
