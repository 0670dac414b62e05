import { isAuthorized } from "./basicAuth.js";
import { createCall } from "./createCall.js";
import { createExecution } from "./createExecution.js";
import { createMessage } from "./createMessage.js";
import type { CreateRecord } from "./createRecord.js";
import { createVerification } from "./createVerification.js";
import { lookupPhoneNumber } from "./lookupPhoneNumber.js";
import type { MeteredInput, Prepared } from "./prepared.js";
import { json, type Reply, tooManyRequestsReply } from "./reply.js";
import type { ApiName, MeteredRoute } from "./routes.js";
import type { PendingCreate, SimulatorState } from "./simulatorState.js";
import { authError, internalError, type TwilioErrorBody } from "./twilioError.js";

export interface MeteredRequest {
  route: MeteredRoute;
  authorization: string | undefined;
  /** The POST form; for Lookup's GET, the query. */
  form: URLSearchParams;
  overConcurrency: boolean;
  origin: string;
}

const HANDLERS: Record<ApiName, (state: SimulatorState, input: MeteredInput) => Prepared> = {
  messages: createMessage,
  calls: createCall,
  lookup: (_state, input) => lookupPhoneNumber(input),
  verify: createVerification,
  studio: createExecution,
};

/**
 * Decides a metered request, in the order its fate would be sealed at Twilio: the network
 * (reset), the concurrency limit, auth, the API's rate limit, validation, and only for a valid
 * request the server-side faults, since a 500 or a lost answer can only follow a request that was
 * valid. A request refused by validation counts towards the rate: it did reach the API. A 401
 * does not. For a Lookup, which creates nothing, a 500 is a 500 and a drop a lost answer.
 */
export function answerMetered(
  state: SimulatorState,
  pending: PendingCreate,
  request: MeteredRequest,
): Reply {
  const { record, fault } = pending;
  const { options } = state;
  const { route, form } = request;
  record.to = route.api === "lookup" ? route.subject : form.get("To");
  record.body = route.api === "messages" ? form.get("Body") : null;
  record.statusCallback = route.api === "lookup" ? null : form.get("StatusCallback");
  if (fault === "reset") {
    record.outcome = "reset";
    return { kind: "destroy" };
  }
  if (request.overConcurrency) return limited(record, options.retryAfterSeconds);
  const accountSid = route.accountSid ?? options.accountSid;
  if (!isAuthorized(request.authorization, accountSid, options)) {
    return refuse(record, authError());
  }
  if (!state.tryTakeRate(route.api, record.at)) {
    return limited(record, options.retryAfterSeconds);
  }
  const input = {
    form,
    subject: route.subject,
    accountSid,
    origin: request.origin,
    now: new Date(),
  };
  const decision = HANDLERS[route.api](state, input);
  if (!decision.ok) return refuse(record, decision.error);
  if (fault === "error-lost") return serverError(record);

  const answer = decision.commit();
  record.sid = answer.sid;
  if (fault === "error-created") return serverError(record);
  if (fault === "drop") {
    record.outcome = "dropped";
    return { kind: "destroy" };
  }
  record.outcome = answer.sid === null ? "answered" : "created";
  record.httpStatus = answer.status;
  return json(answer.status, answer.body);
}

function limited(record: CreateRecord, retryAfterSeconds: number | undefined): Reply {
  Object.assign(record, { outcome: "429", httpStatus: 429, code: 20429 });
  return tooManyRequestsReply(retryAfterSeconds);
}

function refuse(record: CreateRecord, error: TwilioErrorBody): Reply {
  Object.assign(record, { outcome: "rejected", httpStatus: error.status, code: error.code });
  return json(error.status, error);
}

function serverError(record: CreateRecord): Reply {
  const error = internalError();
  Object.assign(record, { outcome: "500", httpStatus: 500, code: error.code });
  return json(500, error);
}
