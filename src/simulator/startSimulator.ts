import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { answerApi } from "./answerApi.js";
import { answerControl } from "./answerControl.js";
import type { CreateRecord } from "./createRecord.js";
import type { FinalizeRule } from "./defaultFinalizeRule.js";
import { readBody, writeReply } from "./httpIo.js";
import type { SimMessage } from "./messageStore.js";
import { json } from "./reply.js";
import { matchRoute } from "./routes.js";
import type { SimCall } from "./simCall.js";
import type { SimExecution } from "./simExecution.js";
import type { SimulatorOptions, SimulatorOptionsPatch } from "./simulatorOptions.js";
import { SimulatorState } from "./simulatorState.js";
import type { SimVerification } from "./simVerification.js";
import { internalError } from "./twilioError.js";

export interface RunningSimulator {
  /** e.g. "http://127.0.0.1:54321" */
  url: string;
  accountSid: string;
  authToken: string;
  /** Every message created, oldest first (copies). */
  messages(): SimMessage[];
  /** Every call created, oldest first (copies). */
  calls(): SimCall[];
  /** Every verification created, oldest first (copies). */
  verifications(): SimVerification[];
  /** Every Studio execution created, oldest first (copies). */
  executions(): SimExecution[];
  /** Every metered request received (creates of every API, Lookups), in order of arrival. */
  creates(): CreateRecord[];
  /** Sets the status of a message, call, verification or execution, found by its sid. */
  setStatus(sid: string, status: string, errorCode?: number | null): void;
  /**
   * Moves every non-final message to a final status (see defaultFinalizeRule), every call to
   * completed and every execution to ended.
   */
  finalize(rule?: FinalizeRule): number;
  /** Changes limits and faults while running; the port cannot change. */
  setOptions(patch: SimulatorOptionsPatch): void;
  /** Stops listening and destroys every connection, idle keep-alive ones included. */
  close(): Promise<void>;
}

/** Starts a Twilio-compatible Messages, Calls, Lookup, Verify and Studio API on 127.0.0.1. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const state = new SimulatorState(options);
  const waits = new Map<NodeJS.Timeout, () => void>();
  let inFlight = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        waits.delete(timer);
        resolve();
      }, ms);
      waits.set(timer, resolve);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const wallMs = Date.now();
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const route = matchRoute(method, url.pathname);
    if (route.kind === "control") {
      const text = await readBody(req);
      writeReply(req, res, answerControl(state, method, route.name, text));
      return;
    }
    inFlight++;
    res.once("close", () => inFlight--);
    const concurrent = inFlight;
    const overConcurrency = concurrent > state.options.concurrency;
    const pending =
      route.kind === "metered" ? state.arriveCreate(route.api, at, wallMs) : undefined;
    let text: string;
    try {
      text = await readBody(req);
    } catch {
      if (pending) pending.record.outcome = "reset";
      return;
    }
    const reply = answerApi(state, {
      route,
      path: url.pathname,
      query: url.searchParams,
      form: new URLSearchParams(method === "POST" ? text : ""),
      authorization: req.headers.authorization,
      overConcurrency,
      origin: `http://${req.headers.host ?? "127.0.0.1"}`,
      pending,
    });
    const wait = state.delay();
    if (wait > 0) await sleep(wait);
    // Twilio reports its count of the account's requests in progress; clients may log it.
    writeReply(req, res, reply, { "Twilio-Concurrent-Requests": String(concurrent) });
  }

  const server = createServer((req, res) => {
    // A client that vanishes mid-request must never take the simulator down with it.
    req.on("error", () => {});
    res.on("error", () => {});
    handle(req, res).catch(() => {
      if (!res.headersSent) writeReply(req, res, json(500, internalError()));
      else res.destroy();
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  // Node's 5 s default races clients that keep idle sockets longer: a create sent on a socket
  // the server is closing fails with ECONNRESET, a fault nobody asked for. close() ends them all.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(state.options.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    get accountSid() {
      return state.options.accountSid;
    },
    get authToken() {
      return state.options.authToken;
    },
    messages: () => state.store.all().map((m) => ({ ...m, mediaUrls: [...m.mediaUrls] })),
    calls: () => state.calls.all().map((call) => ({ ...call })),
    verifications: () => state.verifications.all().map((v) => ({ ...v })),
    executions: () =>
      state.executions.all().map((e) => ({ ...e, parameters: structuredClone(e.parameters) })),
    creates: () => state.creates.map((record) => ({ ...record })),
    setStatus: (sid, status, errorCode = null) => state.setStatus(sid, status, errorCode),
    finalize: (rule) => state.finalize(rule),
    setOptions: (patch) => state.setOptions(patch),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Requests waiting out their latency end now; their sockets are about to go.
        for (const [timer, wake] of waits) {
          clearTimeout(timer);
          wake();
        }
        waits.clear();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
