import http from "node:http";
import type { AddressInfo } from "node:net";
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import { afterEach, describe, expect, it } from "vitest";
import { CapturingRequestClient } from "../../src/twilio/capturingRequestClient.js";
import { canSendOverHttp } from "../../src/twilio/sendOverHttp.js";

// Our node:http path must put on the wire what twilio-node's axios path does: both are pointed
// at one recording server on 127.0.0.1 with the same resource call, and what arrived compared.

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const closing: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

async function recordingServer(answer: { status: number; body: string; type: string }) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(answer.status, { "content-type": answer.type, "retry-after": "3" });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closing.push(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;
  return { seen, url: `http://127.0.0.1:${port}` };
}

/** twilio-node's own RequestClient, only pointed at `origin`. */
class AxiosClient extends twilio.RequestClient {
  constructor(private readonly origin: string) {
    super({ keepAlive: true, autoRetry: false });
  }
  override request<T>(opts: RequestClient.RequestOptions<T>) {
    const uri = new URL(opts.uri);
    return super.request<T>({ ...opts, uri: `${this.origin}${uri.pathname}${uri.search}` });
  }
}

const DATE = "Thu, 03 Dec 2026 10:00:00 +0000";
const ACCOUNT = `AC${"a".repeat(32)}`;

async function sendBoth(answer: { status: number; body: string; type: string }) {
  const server = await recordingServer(answer);
  const ours = new CapturingRequestClient({
    apiUrl: new URL(server.url),
    timeoutMs: 5000,
    maxSockets: 4,
  });
  closing.push(() => ours.destroy());
  const results = [];
  for (const httpClient of [new AxiosClient(server.url), ours]) {
    const client = twilio(ACCOUNT, "secret-token", { httpClient, autoRetry: false });
    results.push(
      await client.messages
        .createWithHttpInfo({
          to: "+14155550100",
          from: "+15005550006",
          body: "Grüße & 50% off? a=b+c",
          mediaUrl: ["https://example.com/a.png", "https://example.com/b c.png"],
          sendAsMms: true,
          validityPeriod: 600,
        })
        .then(
          (r) => ({
            status: r.statusCode,
            // The resource as it serialises: the instance also holds its client.
            body: JSON.parse(JSON.stringify(r.body)),
            retryAfter: r.headers["retry-after"],
          }),
          (error: { status?: number; code?: number }) => ({
            status: error.status,
            code: error.code,
          }),
        ),
    );
  }
  return { seen: server.seen, results };
}

describe("the node:http transport", () => {
  it("sends the same method, path, headers and form as twilio-node's axios path", async () => {
    const { seen, results } = await sendBoth({
      status: 201,
      body: JSON.stringify({
        sid: `SM${"1".repeat(32)}`,
        status: "queued",
        date_created: DATE,
        date_sent: DATE,
        date_updated: DATE,
      }),
      type: "application/json",
    });
    expect(seen).toHaveLength(2);
    const [axios, ours] = seen as [Seen, Seen];
    expect(ours.method).toBe(axios.method);
    expect(ours.url).toBe(axios.url);
    for (const header of ["authorization", "content-type", "accept", "user-agent", "connection"]) {
      expect([header, ours.headers[header]]).toEqual([header, axios.headers[header]]);
    }
    expect(ours.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT}:secret-token`).toString("base64")}`,
    );
    // The same fields and values; the encoding of a space (+ or %20) may differ.
    const form = (body: string) => [...new URLSearchParams(body)];
    expect(form(ours.body)).toEqual(form(axios.body));
    expect(form(ours.body)).toContainEqual(["MediaUrl", "https://example.com/b c.png"]);
    expect(results[1]).toEqual(results[0]);
    expect(results[1]).toMatchObject({ status: 201, body: { status: "queued" }, retryAfter: "3" });
  });

  it("answers an error as twilio-node does, and a body that is not JSON as text", async () => {
    const error = await sendBoth({
      status: 429,
      body: JSON.stringify({ code: 20429, message: "Too Many Requests", status: 429 }),
      type: "application/json",
    });
    expect(error.results[1]).toEqual(error.results[0]);
    expect(error.results[1]).toMatchObject({ status: 429, code: 20429 });
    const text = await sendBoth({
      status: 502,
      body: "<html>bad gateway</html>",
      type: "text/html",
    });
    expect(text.results[1]).toEqual(text.results[0]);
  });

  it("leaves to axios what only it does: a proxy, redirects, the debug log, nested fields", () => {
    const opts = {
      method: "post" as const,
      uri: "https://api.twilio.com/x",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      data: { To: "+1", MediaUrl: ["a", "b"] },
    };
    const https = new URL(opts.uri);
    const http_ = new URL("http://127.0.0.1:1/x");
    expect(canSendOverHttp(opts, https)).toBe(true);
    expect(canSendOverHttp({ ...opts, allowRedirects: true }, https)).toBe(false);
    expect(canSendOverHttp({ ...opts, logLevel: "debug" }, https)).toBe(false);
    expect(canSendOverHttp({ ...opts, data: { Nested: { a: 1 } } }, https)).toBe(false);
    const proxy = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = "http://127.0.0.1:9";
    try {
      expect(canSendOverHttp(opts, https)).toBe(false);
      // twilio-node sends plain http direct, proxy or not.
      expect(canSendOverHttp(opts, http_)).toBe(true);
    } finally {
      if (proxy === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = proxy;
    }
  });
});
