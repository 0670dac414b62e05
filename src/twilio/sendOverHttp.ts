import http from "node:http";
import https from "node:https";
import type RequestClient from "twilio/lib/base/RequestClient.js";

/** What twilio-node's RequestClient resolves with. */
export interface HttpAnswer {
  statusCode: number;
  body: unknown;
  headers: http.IncomingHttpHeaders;
}

export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

type Options = RequestClient.RequestOptions<unknown>;

/**
 * Whether a request can go by `sendOverHttp`: it needs none of what only twilio-node's axios
 * path does. With HTTP_PROXY set twilio-node tunnels https through a proxy agent; redirects
 * are followed only there; its debug log prints the request; and a body that is not flat
 * fields (the form twilio-node's resources build) is left to its own serializer.
 */
export function canSendOverHttp(opts: Options, uri: URL): boolean {
  if (uri.protocol === "https:" && process.env.HTTP_PROXY) return false;
  if (opts.allowRedirects || opts.logLevel === "debug") return false;
  const type = opts.headers?.["Content-Type"];
  if (opts.data !== undefined && type !== FORM && type !== "application/json") return false;
  return [opts.params, type === FORM ? opts.data : undefined].every(isFlat);
}

const FORM = "application/x-www-form-urlencoded";

/**
 * Sends one of twilio-node's requests with node:http, as its RequestClient would with axios:
 * the same headers and authorization, the same body, the same answer (JSON parsed when it is
 * JSON), and a timeout over the whole request that fails as axios's does (ECONNABORTED).
 * Written by hand because axios's per-request work (config merging, interceptors, adapters,
 * header normalisation) was about a fifth of a sender's CPU per message, which is what a
 * process's ceiling at thousands of messages a second is made of.
 */
export async function sendOverHttp(
  opts: Options,
  uri: URL,
  agents: Agents,
  defaults: { timeoutMs: number; keepAlive: boolean },
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
  if (!headers.Connection && !headers.connection) {
    headers.Connection = defaults.keepAlive ? "keep-alive" : "close";
  }
  if (opts.username && opts.password) {
    headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString("base64")}`;
  } else if (opts.authStrategy) {
    headers.Authorization = await opts.authStrategy.getAuthString();
  }
  const body = encodeBody(opts, headers["Content-Type"]);
  if (body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(body));
  const url = new URL(uri);
  if (opts.params) {
    for (const [key, value] of fields(opts.params)) url.searchParams.append(key, value);
  }
  const timeoutMs = opts.timeout || defaults.timeoutMs;
  const https_ = url.protocol === "https:";
  return new Promise<HttpAnswer>((resolve, reject) => {
    const request = (https_ ? https : http).request(url, {
      method: opts.method.toUpperCase(),
      headers,
      agent: https_ ? agents.https : agents.http,
    });
    const timer = setTimeout(() => {
      request.destroy(networkError("ECONNABORTED", `timeout of ${timeoutMs}ms exceeded`));
    }, timeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      // Closed before its end without an error (the timeout's destroy, a peer's hang-up): the
      // answer is cut short, and what Twilio did with the request unknown.
      response.on("close", () => {
        clearTimeout(timer);
        if (!response.complete) reject(networkError("ECONNRESET", "the answer was cut short"));
      });
      response.on("end", () => {
        clearTimeout(timer);
        resolve({
          statusCode: response.statusCode ?? 0,
          body: parsed(Buffer.concat(chunks).toString("utf8")),
          headers: response.headers,
        });
      });
    });
    request.end(body);
  });
}

/** The request body as twilio-node's RequestClient writes it. */
function encodeBody(opts: Options, type: string | undefined): string | undefined {
  if (!opts.data) return undefined;
  if (type === FORM) return new URLSearchParams(fields(opts.data as object)).toString();
  if (type === "application/json") return JSON.stringify(opts.data);
  return undefined;
}

/** Flat fields as name/value pairs, an array as the name repeated (qs's arrayFormat "repeat"). */
function fields(source: object): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      pairs.push([key, one === null ? "" : String(one)]);
    }
  }
  return pairs;
}

function isFlat(source: unknown): boolean {
  if (source === undefined || source === null) return true;
  if (typeof source !== "object") return false;
  return Object.values(source).every((value) =>
    (Array.isArray(value) ? value : [value]).every(
      (one) => one === undefined || one === null || typeof one !== "object",
    ),
  );
}

/** As axios answers by default: JSON parsed when it parses, else the text. */
function parsed(text: string): unknown {
  if (text === "") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
