import twilio from "twilio";
import { CapturingRequestClient } from "./capturingRequestClient.js";
import type { Credentials } from "./readCredentials.js";
import type { TwilioClient } from "./twilioApi.js";

export interface TwilioClientConfig {
  credentials: Credentials;
  /** Every request to this origin instead of Twilio's (the simulator). */
  apiUrl: URL | undefined;
  timeoutMs: number;
  maxSockets: number;
  userAgent: string;
}

/**
 * The one way a twilio-node client is made here: our request client, the profile's or the
 * environment's region and edge, the timeout and the user agent. autoRetry stays off: every
 * attempt must be journaled by us. Loads `twilio` (about 130 ms of start-up), so callers are
 * imported lazily.
 */
export function buildTwilioClient(config: TwilioClientConfig): {
  client: TwilioClient;
  httpClient: CapturingRequestClient;
} {
  const httpClient = new CapturingRequestClient({
    apiUrl: config.apiUrl,
    timeoutMs: config.timeoutMs,
    maxSockets: config.maxSockets,
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
  return { client, httpClient };
}
