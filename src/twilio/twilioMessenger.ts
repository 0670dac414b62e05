import twilio from "twilio";
import type { CallResult } from "../core/callResult.js";
import type { MessageRequest } from "../core/messageRequest.js";
import { CapturingRequestClient, callCapture } from "./capturingRequestClient.js";
import type { ListQuery, Messenger, RemoteMessage } from "./messenger.js";
import type { Credentials } from "./readCredentials.js";

export interface MessengerConfig {
  credentials: Credentials;
  apiUrl: URL | undefined;
  timeoutMs: number;
  concurrency: number;
  userAgent: string;
}

/**
 * The only module that loads `twilio` (about 130 ms of start-up), so commands that never talk
 * to Twilio import it lazily. autoRetry stays off: every attempt must be journaled by us.
 */
export function openTwilioMessenger(config: MessengerConfig): Messenger {
  const httpClient = new CapturingRequestClient({
    apiUrl: config.apiUrl,
    timeoutMs: config.timeoutMs,
    maxSockets: Math.max(config.concurrency, 1),
  });
  const { credentials } = config;
  const client = twilio(credentials.username, credentials.password, {
    accountSid: credentials.accountSid,
    httpClient,
    autoRetry: false,
    timeout: config.timeoutMs,
    userAgentExtensions: [config.userAgent],
    ...(credentials.region ? { region: credentials.region } : {}),
    ...(credentials.edge ? { edge: credentials.edge } : {}),
  });

  // twilio-node loads its API modules on first use (about 100 ms): load them now, before the
  // rate limiter starts, or the first requests queue behind it and reach Twilio bunched.
  const messages = client.messages;

  return {
    async create(request: MessageRequest): Promise<CallResult> {
      const capture: { result?: CallResult } = {};
      let localError: unknown;
      await callCapture.run(capture, async () => {
        try {
          const { sendAt, ...rest } = request;
          await messages.createWithHttpInfo(
            sendAt === undefined ? rest : { ...rest, sendAt: new Date(sendAt) },
          );
        } catch (error) {
          localError = error;
        }
      });
      if (capture.result) return capture.result;
      const message = localError instanceof Error ? localError.message : "request not sent";
      return { kind: "not_sent", message };
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
      httpClient.destroy();
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
