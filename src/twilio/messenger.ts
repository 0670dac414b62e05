import type { CallResult } from "../core/callResult.js";
import type { MessageRequest } from "../core/messageRequest.js";

/** A Message as the journal needs it from fetch and list answers. */
export interface RemoteMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  status: string;
  errorCode: number | null;
  dateCreated: Date | null;
}

export interface ListQuery {
  to: string;
  from?: string;
  dateSentAfter?: Date;
  dateSentBefore?: Date;
}

/**
 * The network edge: everything twilio-bulk asks of Twilio. Create returns what happened as a
 * value (the core classifies it); fetch and list throw on failure, since they change nothing.
 */
export interface Messenger {
  create(request: MessageRequest): Promise<CallResult>;
  fetch(sid: string): Promise<RemoteMessage>;
  list(query: ListQuery, limit?: number): Promise<RemoteMessage[]>;
  close(): void;
}
