import type { CallResult } from "../core/callResult.js";
import { buildTwilioClient } from "./buildTwilioClient.js";
import { callCapture } from "./capturingRequestClient.js";
import type { Credentials } from "./readCredentials.js";
import type { TwilioApi } from "./twilioApi.js";

export interface TwilioApiConfig {
  credentials: Credentials;
  apiUrl: URL | undefined;
  timeoutMs: number;
  concurrency: number;
  userAgent: string;
}

/** Loads `twilio` (see buildTwilioClient), so commands that never talk to Twilio import this lazily. */
export function openTwilioApi(config: TwilioApiConfig): TwilioApi {
  const { client, httpClient } = buildTwilioClient({
    ...config,
    maxSockets: Math.max(config.concurrency, 1),
  });
  return {
    client,
    capture: captureCall,
    close: () => httpClient.destroy(),
  };
}

/** Runs one twilio-node call inside its own capture and returns what came back, as a value. */
export async function captureCall(call: () => Promise<unknown>): Promise<CallResult> {
  const capture: { result?: CallResult } = {};
  let localError: unknown;
  await callCapture.run(capture, async () => {
    try {
      await call();
    } catch (error) {
      localError = error;
    }
  });
  if (capture.result) return capture.result;
  const message = localError instanceof Error ? localError.message : "request not sent";
  return { kind: "not_sent", message };
}
