import type Twilio from "twilio/lib/rest/Twilio.js";
import type { CallResult } from "../core/callResult.js";

/** twilio-node's client, as a type only: importing `twilio` as a value costs ~130 ms. */
export type TwilioClient = Twilio;

/**
 * The loaded twilio client, handed to operations. `capture` runs one twilio-node call in its
 * own capture of what came back (status, headers, body, or the transport error), since the
 * client's `lastResponse` is shared by every call in flight and its RestException drops the
 * headers (Retry-After). The call's own result or exception is ignored: the capture is the answer.
 */
export interface TwilioApi {
  readonly client: TwilioClient;
  capture(call: () => Promise<unknown>): Promise<CallResult>;
  close(): void;
}
