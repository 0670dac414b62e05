import type { IncomingMessage, ServerResponse } from "node:http";
import type { Reply } from "./reply.js";

const MAX_BODY_BYTES = 1 << 20;

/** The request body as text; rejects if the client goes away first or sends more than 1 MiB. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      done = true;
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (error) => {
      done = true;
      reject(error);
    });
    req.on("close", () => {
      if (!done) reject(new Error("client went away"));
    });
  });
}

/** Carries out a reply; a client that already left gets nothing, and that is not an error. */
export function writeReply(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.destroyed || res.writableEnded || req.socket.destroyed) return;
  if (reply.kind === "destroy") {
    req.socket.destroy();
    return;
  }
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(payload),
    ...extraHeaders,
    ...reply.headers,
  });
  res.end(payload);
}
