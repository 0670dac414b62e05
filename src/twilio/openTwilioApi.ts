import twilio from "twilio";
import type { CallResult } from "../core/callResult.js";
import { CapturingRequestClient, callCapture } from "./capturingRequestClient.js";
import type { Credentials } from "./readCredentials.js";
import type { TwilioApi, TwilioClient } from "./twilioApi.js";

export interface TwilioApiConfig {
  credentials: Credentials;
  apiUrl: URL | undefined;
  timeoutMs: number;
  concurrency: number;
  userAgent: string;
}

/**
 * Loads `twilio` (about 130 ms of start-up), so commands that never talk to Twilio import this
 * lazily. autoRetry stays off: every attempt must be journaled by us.
 */
export function openTwilioApi(config: TwilioApiConfig): TwilioApi {
  const httpClient = new CapturingRequestClient({
    apiUrl: config.apiUrl,
    timeoutMs: config.timeoutMs,
    maxSockets: Math.max(config.concurrency, 1),
  });
  const { credentials } = config;
  const client: TwilioClient = twilio(credentials.username, credentials.password, {
    accountSid: credentials.accountSid,
    httpClient,
    autoRetry: false,
    timeout: config.timeoutMs,
    userAgentExtensions: [config.userAgent],
    ...(credentials.region ? { region: credentials.region } : {}),
    ...(credentials.edge ? { edge: credentials.edge } : {}),
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
