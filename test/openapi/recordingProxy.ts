import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as it went over the wire. */
export interface WireRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
}

/**
 * A pass-through HTTP proxy on 127.0.0.1 that records every request before handing it to
 * `target` (the simulator): what twilio-node actually sent, whatever code built the call.
 */
export async function startRecordingProxy(
  target: string,
): Promise<{ url: string; seen: WireRequest[]; close(): Promise<void> }> {
  const seen: WireRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    seen.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      form: new URLSearchParams(body),
    });
    const headers: Record<string, string> = {};
    for (const name of ["authorization", "content-type"]) {
      const value = req.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const answer = await fetch(`${target}${req.url}`, {
      method,
      headers,
      body: method === "GET" ? undefined : body,
    });
    const text = await answer.text();
    res.writeHead(answer.status, { "Content-Type": "application/json" });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
