import twilio from "twilio";
import RequestClient from "twilio/lib/base/RequestClient.js";
import { afterEach } from "vitest";
import type { SimulatorOptions } from "../../src/simulator/simulatorOptions.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/startSimulator.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON off the wire, which the tests check with expect().
export type Json = any;

export const SERVICE = `VA${"a".repeat(32)}`;
export const FLOW = `FW${"b".repeat(32)}`;

/** Simulators started in a test and closed after it. */
export function useSimulators(): (options?: SimulatorOptions) => Promise<RunningSimulator> {
  const running: RunningSimulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((sim) => sim.close()));
  });
  return async (options = {}) => {
    const sim = await startSimulator(options);
    running.push(sim);
    return sim;
  };
}

/** Every request twilio-node made, as the path and parameters it sent. */
export interface SentRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
  data: Record<string, unknown>;
}

/**
 * twilio-node has no base-URL option: this points its requests (every host: api, lookups,
 * verify, studio) at the simulator, and keeps what it sent.
 */
export class LocalRequestClient extends RequestClient {
  readonly sent: SentRequest[] = [];

  constructor(private readonly origin: string) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const url = new URL(opts.uri);
    this.sent.push({
      method: opts.method.toUpperCase(),
      path: url.pathname,
      params: { ...(opts.params as object) },
      data: { ...(opts.data as object) },
    });
    return super.request({ ...opts, uri: `${this.origin}${url.pathname}${url.search}` });
  }
}

export function twilioClient(sim: RunningSimulator) {
  const httpClient = new LocalRequestClient(sim.url);
  const client = twilio(sim.accountSid, sim.authToken, {
    accountSid: sim.accountSid,
    httpClient,
    autoRetry: false,
  });
  return { client, sent: httpClient.sent };
}

function basic(sim: RunningSimulator): string {
  return `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString("base64")}`;
}

/** A raw form POST, for what twilio-node would not send (missing or malformed parameters). */
export async function post(
  sim: RunningSimulator,
  path: string,
  fields: Record<string, string>,
  authorization = basic(sim),
): Promise<{ status: number; body: Json; headers: Headers }> {
  const response = await fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: { Authorization: authorization },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

export async function get(
  sim: RunningSimulator,
  path: string,
  authorization = basic(sim),
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${sim.url}${path}`, { headers: { Authorization: authorization } });
  return { status: response.status, body: await response.json() };
}

export function callsPath(sim: RunningSimulator): string {
  return `/2010-04-01/Accounts/${sim.accountSid}/Calls.json`;
}
