import { answerCreate } from "./answerCreate.js";
import { isAuthorized } from "./basicAuth.js";
import { listMessages } from "./listMessages.js";
import { messageJson } from "./messageJson.js";
import { answerPricing } from "./pricingCountry.js";
import { json, type Reply, tooManyRequestsReply } from "./reply.js";
import type { Route } from "./routes.js";
import type { PendingCreate, SimulatorState } from "./simulatorState.js";
import { authError, notFound, twilioError } from "./twilioError.js";

export interface ApiRequest {
  route: Exclude<Route, { kind: "control" }>;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  authorization: string | undefined;
  overConcurrency: boolean;
  /** Set for creates: drawn at arrival. */
  pending: PendingCreate | undefined;
}

/** Answers the 2010-04-01 API (Messages create, fetch and list) and Pricing's messaging countries; everything else is a 404. */
export function answerApi(state: SimulatorState, request: ApiRequest): Reply {
  const { route, path, overConcurrency, authorization } = request;
  if (route.kind === "notFound") return json(404, notFound(path));
  if (route.kind === "create" && request.pending) {
    const { form } = request;
    const create = { accountSid: route.accountSid, authorization, form, overConcurrency };
    return answerCreate(state, request.pending, create);
  }
  const { options } = state;
  if (overConcurrency) return tooManyRequestsReply(options.retryAfterSeconds);
  if (route.kind === "pricing") return answerPricing(options, route, authorization, path);
  if (!isAuthorized(authorization, route.accountSid, options)) return json(401, authError());
  switch (route.kind) {
    case "list": {
      const result = listMessages(state.store, path, request.query);
      return result.ok ? json(200, result.page) : json(result.error.status, result.error);
    }
    case "fetch": {
      const message = state.store.get(route.sid);
      return message ? json(200, messageJson(message)) : json(404, notFound(path));
    }
    case "notAllowed":
      return json(405, twilioError(405, 20004, "Method not allowed"));
    default:
      return json(404, notFound(path));
  }
}
