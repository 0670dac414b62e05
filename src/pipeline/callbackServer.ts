import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { callbackUrl } from "../core/callbackUrl.js";
import { decideDelivery } from "../core/decideDelivery.js";
import { readStatusCallback } from "../core/readStatusCallback.js";
import { CliError, ExitCode } from "../errors.js";
import { applyDelivery, rowBySid } from "../journal/deliveryRows.js";
import type { Journal } from "../journal/journal.js";
import { isSignedByTwilio } from "../twilio/checkSignature.js";
import type { SigningCredentials } from "../twilio/readSigningCredentials.js";

/** Twilio's callbacks are a few hundred bytes; anything near this is not one. */
const MAX_BODY_BYTES = 64 * 1024;
/** How long a stop waits for requests in progress before closing their connections. */
const DRAIN_MS = 5000;

export interface CallbackCounts {
  /** Statuses written to the journal. */
  recorded: number;
  /** Statuses older than what the journal held (callbacks arrive out of order): not written. */
  older: number;
  /** Numbers newly suppressed (30006 landline and the like). */
  suppressed: number;
  /** Signed callbacks for a sid no run of the journal sent: answered 200, nothing written. */
  unknown: number;
  /** Unsigned, forged, or for another account: answered 403. */
  rejected: number;
  /** Signed but not a Messages status callback: answered 400. */
  malformed: number;
}

export interface CallbackServerArgs {
  journal: Journal;
  host: string;
  port: number;
  publicUrl: URL | undefined;
  credentials: SigningCredentials;
  /** One line per callback, without secrets. */
  log(line: string): void;
  now?: () => Date;
}

export interface RunningCallbackServer {
  /** The address it listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  counts: CallbackCounts;
  /** Stops accepting, lets requests in progress finish (closing them after DRAIN_MS). */
  close(): Promise<void>;
}

type Answer = { status: number; log: string };

/**
 * Receives Twilio's message status callbacks and records each in the journal as `status`
 * would. Every write is one short synchronous transaction, so a request is answered as soon as
 * its body has arrived.
 */
export async function startCallbackServer(
  args: CallbackServerArgs,
): Promise<RunningCallbackServer> {
  const counts: CallbackCounts = {
    recorded: 0,
    older: 0,
    suppressed: 0,
    unknown: 0,
    rejected: 0,
    malformed: 0,
  };
  const now = args.now ?? (() => new Date());
  const server = createServer((request, response) => {
    handle(request, args, counts).then(
      (answer) => reply(response, answer, args, now),
      (error: unknown) =>
        reply(response, { status: 500, log: `500 ${describe(error)}` }, args, now),
    );
  });
  server.keepAliveTimeout = 65_000;
  await listen(server, args.host, args.port);
  const { port } = server.address() as AddressInfo;
  const host = args.host.includes(":") ? `[${args.host}]` : args.host;
  return { url: `http://${host}:${port}`, counts, close: () => closeServer(server) };
}

async function handle(
  request: IncomingMessage,
  args: CallbackServerArgs,
  counts: CallbackCounts,
): Promise<Answer> {
  if (request.method !== "POST") {
    request.resume();
    return { status: 405, log: `405 ${request.method ?? "?"} ${pathOf(request)}` };
  }
  const rawBody = await readBody(request);
  if (rawBody === undefined) return { status: 413, log: "413 body too large" };
  const form = isForm(request) ? new URLSearchParams(rawBody) : new URLSearchParams();
  const params = formParams(form);
  const url = callbackUrl(
    request.url ?? "/",
    args.publicUrl ? { publicUrl: args.publicUrl } : { host: request.headers.host ?? "" },
  );
  const signature = request.headers["x-twilio-signature"];
  const signed = isSignedByTwilio(args.credentials.authToken, {
    url,
    signature: Array.isArray(signature) ? signature[0] : signature,
    rawBody,
    params,
  });
  const from = request.socket.remoteAddress ?? "?";
  if (!signed) {
    counts.rejected++;
    const why = signature ? "signature does not match" : "no X-Twilio-Signature";
    // The URL without its query: a callback URL may carry a token of the user's own.
    const shown = url.split("?")[0];
    return { status: 403, log: `403 ${why} (checked as ${shown}, from ${from})` };
  }
  const callback = readStatusCallback(params);
  if (!callback.ok) {
    counts.malformed++;
    return { status: 400, log: `400 not a message status callback: ${callback.problem}` };
  }
  const { sid, status, errorCode } = callback;
  const what = `${sid} ${status}${errorCode !== null ? ` ${errorCode}` : ""}`;
  if (callback.accountSid !== args.credentials.accountSid) {
    counts.rejected++;
    return { status: 403, log: `403 ${what}: for another account than TWILIO_ACCOUNT_SID` };
  }
  const row = await rowBySid(args.journal, sid);
  if (!row) {
    counts.unknown++;
    return { status: 200, log: `200 ${what}: no run in this journal sent it; ignored` };
  }
  const write = await applyDelivery(args.journal, row, decideDelivery({ status, errorCode }));
  const where = `run ${row.runId} row ${row.idx + 1}`;
  if (write.suppressed) counts.suppressed++;
  const suppressed = write.suppressed ? "; number suppressed" : "";
  if (!write.recorded) {
    counts.older++;
    return { status: 204, log: `204 ${what}: ${where} already has a later status${suppressed}` };
  }
  counts.recorded++;
  return { status: 204, log: `204 ${what}: recorded for ${where}${suppressed}` };
}

function reply(
  response: ServerResponse,
  answer: Answer,
  args: CallbackServerArgs,
  now: () => Date,
): void {
  args.log(`${now().toISOString()} ${answer.log}`);
  if (answer.status === 405) response.setHeader("Allow", "POST");
  // A refused request may still be sending its body: do not read it, close after answering.
  if (answer.status === 413) response.setHeader("Connection", "close");
  response.statusCode = answer.status;
  response.end();
}

/** The body as text, or undefined when it is larger than any callback. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function isForm(request: IncomingMessage): boolean {
  const type = request.headers["content-type"] ?? "application/x-www-form-urlencoded";
  return type.split(";")[0]!.trim().toLowerCase() === "application/x-www-form-urlencoded";
}

/** Form fields; a repeated field becomes a list, as Twilio's signature algorithm expects. */
function formParams(form: URLSearchParams): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key);
    params[key] = values.length === 1 ? values[0]! : values;
  }
  return params;
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? "/").split("?")[0]!;
}

/** Only the name and message: nothing of a request or of the environment. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function listen(server: Server, host: string, port: number): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new CliError(
        `cannot listen on ${host}:${port}: something else is listening there`,
        ExitCode.tempFail,
        "Stop it, or choose another --port.",
      );
    }
    if (code === "EACCES") {
      throw new CliError(
        `cannot listen on ${host}:${port}: permission denied`,
        ExitCode.noPerm,
        "Ports below 1024 need privileges; choose a port above 1023 and let the proxy forward to it.",
      );
    }
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
      throw new CliError(`cannot listen on ${host}: no such local address`, ExitCode.usage);
    }
    throw error;
  }
}

async function closeServer(server: Server): Promise<void> {
  const closed = once(server, "close");
  server.close();
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
  }
}
