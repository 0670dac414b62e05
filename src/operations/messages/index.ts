import { classifyCall } from "../../core/classifyCall.js";
import type { Operation } from "../operation.js";
import { sameAsRun } from "../readCells.js";
import { buildMessagesRequest, type MessagesRequest } from "./buildMessagesRequest.js";

/** Messages create: `POST /2010-04-01/Accounts/{AC}/Messages.json`. */
export const messages: Operation<MessagesRequest> = {
  name: "messages",
  noun: ["message", "messages"],
  safety: "create",
  summary: "text a message (SMS, MMS, WhatsApp, Content templates)",
  flags: [],
  segments: true,
  columns: [
    "to",
    "from",
    "messaging_service_sid",
    "body",
    "media_url",
    "status_callback",
    "send_at",
    "validity_period",
    "content_sid",
    "content_variables",
  ],
  texts: () => true,
  build: buildMessagesRequest,
  usesRunDefaults: (request, run) =>
    sameAsRun(request.from, run.from) &&
    sameAsRun(request.messagingServiceSid, run.messagingServiceSid),
  warm(api) {
    void api.client.messages;
  },
  send(api, request) {
    const { sendAt, ...rest } = request;
    return api.capture(() =>
      api.client.messages.createWithHttpInfo(
        sendAt === undefined ? rest : { ...rest, sendAt: new Date(sendAt) },
      ),
    );
  },
  classify: classifyCall,
  reconcile: { kind: "messageList" },
  delivery: true,
};
