import { isAuthorized } from "./basicAuth.js";
import type { CreateRecord } from "./createRecord.js";
import { messageJson } from "./messageJson.js";
import { json, type Reply, tooManyRequestsReply } from "./reply.js";
import type { PendingCreate, SimulatorState } from "./simulatorState.js";
import { authError, internalError, type TwilioErrorBody } from "./twilioError.js";
import { validateCreate } from "./validateCreate.js";

export interface CreateRequest {
  accountSid: string;
  authorization: string | undefined;
  form: URLSearchParams;
  overConcurrency: boolean;
}

/**
 * Decides a create, in the order its fate would be sealed at Twilio: the network (reset), the
 * concurrency limit, auth, the rate limit, validation, and only for a valid message the
 * server-side faults, since a 500 or a lost answer can only leave behind a message that was valid.
 * A create refused by validation (400) counts towards `mps`: it did reach the API. A 401 does not.
 */
export function answerCreate(
  state: SimulatorState,
  pending: PendingCreate,
  request: CreateRequest,
): Reply {
  const { record, fault } = pending;
  const { options } = state;
  record.to = request.form.get("To");
  record.body = request.form.get("Body");
  record.statusCallback = request.form.get("StatusCallback");
  if (fault === "reset") {
    record.outcome = "reset";
    return { kind: "destroy" };
  }
  if (request.overConcurrency) return limited(record, options.retryAfterSeconds);
  if (!isAuthorized(request.authorization, request.accountSid, options)) {
    return refuse(record, authError());
  }
  if (!state.rateWindow.tryTake(record.at, options.mps)) {
    return limited(record, options.retryAfterSeconds);
  }
  const decision = validateCreate(request.form, Date.now());
  if (!decision.ok) return refuse(record, decision.error);
  if (fault === "error-lost") return serverError(record);

  const message = state.store.create(
    { ...decision.message, accountSid: options.accountSid },
    new Date(),
  );
  record.sid = message.sid;
  if (fault === "error-created") return serverError(record);
  if (fault === "drop") {
    record.outcome = "dropped";
    return { kind: "destroy" };
  }
  Object.assign(record, { outcome: "created", httpStatus: 201 });
  return json(201, messageJson(message));
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
