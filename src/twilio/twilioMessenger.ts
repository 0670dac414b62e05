import type { CallResult } from "../core/callResult.js";
import type { MessageRequest } from "../core/messageRequest.js";
import type { ListQuery, Messenger, RemoteMessage } from "./messenger.js";
import { openTwilioApi, type TwilioApiConfig } from "./openTwilioApi.js";

export type MessengerConfig = TwilioApiConfig;

/**
 * Messages fetch and list (status, reconcile) and create, over the one loaded twilio client.
 * autoRetry stays off: every attempt must be journaled by us.
 */
export function openTwilioMessenger(config: MessengerConfig): Messenger {
  const api = openTwilioApi(config);
  // twilio-node loads its API modules on first use (about 100 ms): load them now, before the
  // rate limiter starts, or the first requests queue behind it and reach Twilio bunched.
  const messages = api.client.messages;

  return {
    create(request: MessageRequest): Promise<CallResult> {
      const { sendAt, ...rest } = request;
      return api.capture(() =>
        messages.createWithHttpInfo(
          sendAt === undefined ? rest : { ...rest, sendAt: new Date(sendAt) },
        ),
      );
    },

    async fetch(sid: string): Promise<RemoteMessage> {
      return toRemote(await messages(sid).fetch());
    },

    async list(query: ListQuery, limit = 1000): Promise<RemoteMessage[]> {
      const found = await messages.list({
        to: query.to,
        ...(query.from ? { from: query.from } : {}),
        ...(query.dateSentAfter ? { dateSentAfter: query.dateSentAfter } : {}),
        ...(query.dateSentBefore ? { dateSentBefore: query.dateSentBefore } : {}),
        limit,
        pageSize: Math.min(limit, 1000),
      });
      return found.map(toRemote);
    },

    close(): void {
      api.close();
    },
  };
}

/**
 * Copies the fields out of a twilio MessageInstance (which is assignable to RemoteMessage), so
 * callers never hold its client; typed as RemoteMessage because twilio's types call fields
 * non-null that Twilio does send as null.
 */
function toRemote(m: RemoteMessage): RemoteMessage {
  return {
    sid: m.sid,
    to: m.to,
    from: m.from,
    messagingServiceSid: m.messagingServiceSid,
    body: m.body,
    status: m.status,
    errorCode: m.errorCode ?? null,
    dateCreated: m.dateCreated ?? null,
  };
}
