/**
 * How the simulator behaves. Every limit and fault is off by default, so a bare simulator is a
 * fast, always-successful Twilio.
 */
export interface SimulatorOptions {
  /** TCP port; the host is always 127.0.0.1. @default 0 (ephemeral) */
  port?: number;
  /** @default "AC00000000000000000000000000000000" */
  accountSid?: string;
  /** Password for Basic auth with the account SID as username. @default "simulator-token" */
  authToken?: string;
  /** API keys accepted as Basic auth username/password: SK sid -> secret. @default {} */
  apiKeys?: Record<string, string>;
  /**
   * Metered requests (creates, Lookups) accepted in any sliding 1 s window, counted per API;
   * beyond it, 429 code 20429. @default Infinity
   */
  mps?: number;
  /**
   * Studio's own cap on executions created through the REST API in any sliding 1 s window
   * (Twilio's is 20); beyond it, 429 code 20429. `mps` applies too, if lower. @default 20
   */
  studioMps?: number;
  /**
   * API requests in progress at once, counted from arrival to answer (latency wait included, and
   * a request refused with 429 counts until its own answer); beyond it, 429 20429.
   * @default Infinity
   */
  concurrency?: number;
  /** Delay before every API answer (not /_sim/), in ms. @default 0 */
  latencyMs?: number;
  /** Extra delay drawn uniformly from 0..jitterMs per request. @default 0 */
  jitterMs?: number;
  /** Share 0..1 of valid creates answered 500 (code 20500); half of them did create. @default 0 */
  serverErrorRate?: number;
  /**
   * Share 0..1 of creates whose connection is destroyed (after the latency wait) with nothing
   * created. @default 0
   */
  resetRate?: number;
  /** Share 0..1 of valid creates that create the message, then destroy the socket. @default 0 */
  dropRate?: number;
  /** When set, every 429 carries `Retry-After: <seconds>`. @default undefined */
  retryAfterSeconds?: number;
  /** Seed of every random choice, so a run can be replayed. @default 1 */
  seed?: number;
}

/** A change to a running simulator; null restores an option's default (JSON has no Infinity). */
export type SimulatorOptionsPatch = { [K in keyof SimulatorOptions]?: SimulatorOptions[K] | null };

export interface ResolvedSimulatorOptions {
  port: number;
  accountSid: string;
  authToken: string;
  apiKeys: Record<string, string>;
  mps: number;
  studioMps: number;
  concurrency: number;
  latencyMs: number;
  jitterMs: number;
  serverErrorRate: number;
  resetRate: number;
  dropRate: number;
  retryAfterSeconds: number | undefined;
  seed: number;
}

export const DEFAULT_ACCOUNT_SID = "AC00000000000000000000000000000000";
export const DEFAULT_AUTH_TOKEN = "simulator-token";

const defaults: ResolvedSimulatorOptions = {
  port: 0,
  accountSid: DEFAULT_ACCOUNT_SID,
  authToken: DEFAULT_AUTH_TOKEN,
  apiKeys: {},
  mps: Number.POSITIVE_INFINITY,
  studioMps: 20,
  concurrency: Number.POSITIVE_INFINITY,
  latencyMs: 0,
  jitterMs: 0,
  serverErrorRate: 0,
  resetRate: 0,
  dropRate: 0,
  retryAfterSeconds: undefined,
  seed: 1,
};

/** Applies `patch` over `base` (the defaults when omitted) and checks the result. */
export function resolveSimulatorOptions(
  patch: SimulatorOptionsPatch = {},
  base: ResolvedSimulatorOptions = defaults,
): ResolvedSimulatorOptions {
  const merged: ResolvedSimulatorOptions = { ...base, apiKeys: { ...base.apiKeys } };
  for (const [key, value] of Object.entries(patch)) {
    // undefined leaves the value as is; null (all JSON can say for Infinity) restores the default.
    if (!(key in defaults)) throw new RangeError(`unknown simulator option \`${key}\``);
    if (value === undefined) continue;
    const next = value === null ? defaults[key as keyof ResolvedSimulatorOptions] : value;
    (merged as unknown as Record<string, unknown>)[key] = next;
  }
  validate(merged);
  return merged;
}

function validate(o: ResolvedSimulatorOptions): void {
  number("port", o.port, (v) => Number.isInteger(v) && v >= 0 && v <= 65535, "an integer 0..65535");
  number("mps", o.mps, (v) => v > 0, "a number > 0");
  number("studioMps", o.studioMps, (v) => v > 0, "a number > 0");
  number("concurrency", o.concurrency, (v) => v >= 1, "a number >= 1");
  number("latencyMs", o.latencyMs, (v) => v >= 0 && Number.isFinite(v), "a number >= 0");
  number("jitterMs", o.jitterMs, (v) => v >= 0 && Number.isFinite(v), "a number >= 0");
  number("seed", o.seed, Number.isInteger, "an integer");
  for (const key of ["serverErrorRate", "resetRate", "dropRate"] as const) {
    number(key, o[key], (v) => v >= 0 && v <= 1, "a share between 0 and 1");
  }
  const faults = o.serverErrorRate + o.resetRate + o.dropRate;
  // The tolerance lets 0.1 + 0.2 + 0.7 through, which floating point sums to 1.0000000000000002.
  number("serverErrorRate + resetRate + dropRate", faults, (v) => v <= 1 + 1e-9, "at most 1");
  if (o.retryAfterSeconds !== undefined) {
    number("retryAfterSeconds", o.retryAfterSeconds, (v) => v >= 0, "a number >= 0");
  }
  text("accountSid", o.accountSid, /^AC\w+$/, "AC followed by letters or digits");
  text("authToken", o.authToken, /./, "a non-empty string");
  for (const [sid, secret] of Object.entries(o.apiKeys)) {
    text("apiKeys key", sid, /^SK\w+$/, "SK followed by letters or digits");
    text(`apiKeys.${sid}`, secret, /./, "a non-empty string");
  }
}

function number(name: string, value: unknown, ok: (v: number) => boolean, expected: string): void {
  // Options also arrive as JSON over /_sim/options, so the type is not guaranteed.
  if (typeof value !== "number" || Number.isNaN(value) || !ok(value)) fail(name, value, expected);
}

function text(name: string, value: unknown, pattern: RegExp, expected: string): void {
  if (typeof value !== "string" || !pattern.test(value)) fail(name, value, expected);
}

function fail(name: string, value: unknown, expected: string): never {
  throw new RangeError(
    `simulator option \`${name}\` must be ${expected}, got \`${String(value)}\``,
  );
}
