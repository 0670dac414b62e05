import { answerMetered } from "./answerMetered.js";
import { isAuthorized } from "./basicAuth.js";
import { callJson } from "./callJson.js";
import { executionJson } from "./executionJson.js";
import { listCalls } from "./listCalls.js";
import { listExecutions } from "./listExecutions.js";
import { type ListResult, listMessages } from "./listMessages.js";
import { messageJson } from "./messageJson.js";
import { answerPricing } from "./pricingCountry.js";
import { json, type Reply, tooManyRequestsReply } from "./reply.js";
import type { Route } from "./routes.js";
import type { PendingCreate, SimulatorState } from "./simulatorState.js";
import { authError, notFound, twilioError } from "./twilioError.js";
import { verificationJson } from "./verificationJson.js";

export interface ApiRequest {
  route: Exclude<Route, { kind: "control" }>;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  authorization: string | undefined;
  overConcurrency: boolean;
  /** e.g. "http://127.0.0.1:4010", for the v2 APIs' absolute URLs. */
  origin: string;
  /** Set for metered requests: drawn at arrival. */
  pending: PendingCreate | undefined;
}

/**
 * Answers the APIs: creates (and Lookups) through answerMetered, then fetches of messages,
 * calls, verifications and executions, lists of messages, calls and executions, and Pricing's
 * messaging countries; everything else is a 401 for another account, a 405 for a method a path
 * does not take, or a 404.
 */
export function answerApi(state: SimulatorState, request: ApiRequest): Reply {
  const { route, path, overConcurrency, authorization, origin } = request;
  if (route.kind === "notFound") return json(404, notFound(path));
  if (route.kind === "metered" && request.pending) {
    const form = route.api === "lookup" ? request.query : request.form;
    const metered = { route, authorization, form, overConcurrency, origin };
    return answerMetered(state, request.pending, metered);
  }
  const { options } = state;
  if (overConcurrency) return tooManyRequestsReply(options.retryAfterSeconds);
  if (route.kind === "pricing") return answerPricing(options, route, authorization, path);
  const accountSid = ("accountSid" in route && route.accountSid) || options.accountSid;
  if (!isAuthorized(authorization, accountSid, options)) return json(401, authError());
  switch (route.kind) {
    case "list":
      return listReply(list(state, route, path, request.query, origin));
    case "fetch": {
      const found = fetchOne(state, route, origin);
      return found ? json(200, found) : json(404, notFound(path));
    }
    case "notAllowed":
      return json(405, twilioError(405, 20004, "Method not allowed"));
    default:
      return json(404, notFound(path));
  }
}

function list(
  state: SimulatorState,
  route: Extract<Route, { kind: "list" }>,
  path: string,
  query: URLSearchParams,
  origin: string,
): ListResult {
  if (route.api === "calls") return listCalls(state.calls, path, query);
  if (route.api === "studio") {
    return listExecutions(state.executions, route.subject ?? "", path, query, origin);
  }
  return listMessages(state.store, path, query);
}

function listReply(result: ListResult): Reply {
  return result.ok ? json(200, result.page) : json(result.error.status, result.error);
}

function fetchOne(
  state: SimulatorState,
  route: Extract<Route, { kind: "fetch" }>,
  origin: string,
): unknown {
  const { sid, subject } = route;
  switch (route.api) {
    case "calls":
      return mapped(state.calls.get(sid), callJson);
    case "verify": {
      const found = state.verifications.get(sid);
      return found?.serviceSid === subject ? verificationJson(found, origin) : undefined;
    }
    case "studio": {
      const found = state.executions.get(sid);
      return found?.flowSid === subject ? executionJson(found, origin) : undefined;
    }
    default:
      return mapped(state.store.get(sid), messageJson);
  }
}

function mapped<T>(item: T | undefined, render: (item: T) => unknown): unknown {
  return item === undefined ? undefined : render(item);
}
