import { AsyncLocalStorage } from "node:async_hooks";
import http from "node:http";
import https from "node:https";
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import type { CallResult } from "../core/callResult.js";
import { canSendOverHttp, sendOverHttp } from "./sendOverHttp.js";

/** What twilio-node's request resolves with (its Response class is not exported for ESM). */
type TwilioResponse<TData> = Awaited<ReturnType<RequestClient["request"]>> & { body: TData };

/**
 * Per-call record of what came back. twilio-node's `lastResponse` is shared by every call in
 * flight and its RestException drops the headers (Retry-After), so each create runs inside
 * its own capture and this client fills it in.
 */
export const callCapture = new AsyncLocalStorage<{ result?: CallResult }>();

export interface RequestClientConfig {
  /** Send every request to this origin (and path prefix) instead of Twilio's. */
  apiUrl: URL | undefined;
  timeoutMs: number;
  /** At least the concurrency cap: twilio-node's agent otherwise caps sockets at 20. */
  maxSockets: number;
}

/**
 * twilio-node has no base-URL option; a RequestClient subclass is its supported extension
 * point. It also sizes an http agent, since twilio-node only configures https and the
 * simulator, tests and local proxies speak plain http, and sends what it can with node:http
 * itself (sendOverHttp.ts), leaving the rest to twilio-node's axios.
 */
export class CapturingRequestClient extends twilio.RequestClient {
  private readonly apiUrl: URL | undefined;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(config: RequestClientConfig) {
    super({
      timeout: config.timeoutMs,
      keepAlive: true,
      maxSockets: config.maxSockets,
      maxTotalSockets: Math.max(100, config.maxSockets),
      maxFreeSockets: config.maxSockets,
      autoRetry: false,
    });
    this.apiUrl = config.apiUrl;
    const agentOptions = {
      keepAlive: true,
      maxSockets: config.maxSockets,
      maxFreeSockets: config.maxSockets,
      timeout: config.timeoutMs,
    };
    this.agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
    this.axios.defaults.httpAgent = this.agents.http;
    // With HTTP_PROXY set, twilio-node installed an https-proxy-agent (its only proxy support):
    // replacing it would silently bypass the proxy. Keep it; our socket cap then does not apply
    // (the proxy agent opens a tunnel per request) and neither does the socket timeout, but the
    // per-request timeout still does. Plain-http origins (--api-url) go direct, as in
    // twilio-node.
    if (!process.env.HTTP_PROXY) this.axios.defaults.httpsAgent = this.agents.https;
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = this.apiUrl ? rewriteOrigin(opts.uri, this.apiUrl) : opts.uri;
    const capture = callCapture.getStore();
    try {
      const target = new URL(uri);
      const response = canSendOverHttp(opts, target)
        ? // TData is what the caller hopes for; axios's answer is no more typed than this.
          ((await sendOverHttp(opts, target, this.agents, {
            timeoutMs: this.defaultTimeout,
            keepAlive: this.keepAlive,
          })) as unknown as TwilioResponse<TData>)
        : await super.request<TData>({ ...opts, uri });
      if (capture) {
        capture.result = {
          kind: "response",
          status: response.statusCode,
          headers: plainHeaders(response.headers),
          body: response.body,
        };
      }
      return response;
    } catch (error) {
      // Only the code and message: an axios error's config holds the Authorization header.
      if (capture) capture.result = networkResult(error);
      throw error;
    }
  }

  destroy(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

export function rewriteOrigin(uri: string, apiUrl: URL): string {
  const original = new URL(uri);
  const prefix = apiUrl.pathname.replace(/\/+$/, "");
  return `${apiUrl.origin}${prefix}${original.pathname}${original.search}`;
}

function plainHeaders(headers: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof headers !== "object" || headers === null) return out;
  const source =
    typeof (headers as { toJSON?: unknown }).toJSON === "function"
      ? (headers as { toJSON(): Record<string, unknown> }).toJSON()
      : (headers as Record<string, unknown>);
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined || value === null) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}

function networkResult(error: unknown): CallResult {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : "EUNKNOWN";
  const message = typeof e.message === "string" ? e.message : "request failed";
  return { kind: "network", code, message };
}
