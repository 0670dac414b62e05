import { isCountryCode } from "../core/normalisePhone.js";
import { UsageError } from "../errors.js";
import { parseDelimiter } from "../input/detectDelimiter.js";
import type { InputFormat } from "../input/openInput.js";
import { API_NAMES, DEFAULT_API, operationFlags } from "../operations/registry.js";
import { type LockFlags, parseLockFlags } from "./lockOptions.js";
import { parseChoice, parseNumberOption, parseUrlOption } from "./parseOptions.js";
import {
  parseQuietHoursOptions,
  type QuietHoursOptions,
  type RawQuietHoursOptions,
} from "./quietHoursOptions.js";

/** Options as commander hands them over: strings, or booleans for switches. */
export interface RawSendOptions extends RawQuietHoursOptions {
  format?: string;
  toColumn?: string;
  body?: string;
  from?: string;
  messagingServiceSid?: string;
  defaultCountry?: string;
  allowDuplicates?: boolean;
  statusCallbackUrl?: string;
  rate?: string;
  burst?: string;
  concurrency?: string;
  maxAttempts?: string;
  timeout?: string;
  apiUrl?: string;
  profile?: string;
  journal?: string;
  run?: string;
  newRun?: boolean;
  dryRun?: boolean;
  json?: boolean;
  yes?: boolean;
  pricePerSegment?: string;
  delimiter?: string;
  rowsOut?: string;
  api?: string;
  suppressLandlines?: boolean;
  /** The operations' flags (`--flow-sid` → flowSid …), see src/operations/registry.ts. */
  [operationFlag: string]: string | boolean | undefined;
  breakLock?: boolean;
}

export interface ScheduleOptions {
  rate: number;
  burst: number;
  concurrency: number;
  maxAttempts: number;
  timeoutMs: number;
  apiUrl: URL | undefined;
  /** The twilio-cli profile to take credentials from (`--profile`). */
  profile: string | undefined;
}

export interface SendOptions extends ScheduleOptions {
  input: string;
  format: InputFormat | undefined;
  toColumn: string;
  body: string | undefined;
  from: string | undefined;
  messagingServiceSid: string | undefined;
  defaultCountry: string | undefined;
  allowDuplicates: boolean;
  /** StatusCallback for rows without a `status_callback` column. */
  statusCallbackUrl: string | undefined;
  journal: string | undefined;
  run: string | undefined;
  newRun: boolean;
  dryRun: boolean;
  json: boolean;
  /** Send without asking, even on a terminal. */
  yes: boolean;
  /** The cost of one segment for the plan's estimate, instead of Twilio's Pricing API. */
  pricePerSegment: number | undefined;
  /** How long the Pricing API lookups may take together. @default 10 s (estimateRunCost) */
  pricingBudgetMs?: number | undefined;
  /** CSV field delimiter forced by `--delimiter`; otherwise told from the header. */
  delimiter: string | undefined;
  /** `--rows-out`: every invalid and skipped row of the pre-flight, as CSV. */
  rowsOut: string | undefined;
  /** `--api`: the API of rows without an `api` column. */
  api: string;
  /** The operations' flags that were given, by key. */
  operation: Record<string, string>;
  suppressLandlines: boolean;
  /** `--quiet-hours` with its `--timezone`; not part of the run's identity. */
  quietHours: QuietHoursOptions | undefined;
  /** How the operator started this command, to print as the way to resume it. */
  invocation: string;
  lock: LockFlags;
}

export const MAX_DEFAULT_CONCURRENCY = 100;

/** Rate, burst, concurrency, attempts, timeout, API URL and profile: every command that talks to Twilio. */
export function parseScheduleOptions(
  raw: Pick<
    RawSendOptions,
    "rate" | "burst" | "concurrency" | "maxAttempts" | "timeout" | "apiUrl" | "profile"
  >,
  env: NodeJS.ProcessEnv,
): ScheduleOptions {
  const rate =
    parseNumberOption("--rate", raw.rate, { min: 0, exclusiveMin: true, max: 100_000 }) ?? 1;
  const burst =
    parseNumberOption("--burst", raw.burst, { min: 1, integer: true, max: 100_000 }) ?? 1;
  // Enough requests in flight to hold the rate at 1 s of latency, within Twilio's fair use.
  const concurrency =
    parseNumberOption("--concurrency", raw.concurrency, { min: 1, integer: true, max: 1000 }) ??
    Math.min(MAX_DEFAULT_CONCURRENCY, Math.max(1, Math.ceil(rate)));
  const maxAttempts =
    parseNumberOption("--max-attempts", raw.maxAttempts, { min: 1, integer: true, max: 100 }) ?? 3;
  const timeoutSeconds =
    parseNumberOption("--timeout", raw.timeout, { min: 0, exclusiveMin: true, max: 600 }) ?? 30;
  const apiUrl = parseUrlOption(
    raw.apiUrl !== undefined ? "--api-url" : "TWILIO_BULK_API_URL",
    raw.apiUrl ?? env.TWILIO_BULK_API_URL,
  );
  if (raw.profile !== undefined && raw.profile.trim() === "") {
    throw new UsageError("`--profile` must name a twilio-cli profile, got an empty string");
  }
  const profile = raw.profile?.trim();
  return {
    rate,
    burst,
    concurrency,
    maxAttempts,
    timeoutMs: timeoutSeconds * 1000,
    apiUrl,
    profile,
  };
}

export function parseSendOptions(
  input: string,
  raw: RawSendOptions,
  env: NodeJS.ProcessEnv,
  invocation: string,
): SendOptions {
  const format = parseChoice("--format", raw.format, ["csv", "json", "ndjson"] as const);
  const defaultCountry = raw.defaultCountry?.toUpperCase();
  if (defaultCountry !== undefined && !isCountryCode(defaultCountry)) {
    throw new UsageError(
      `\`--default-country\` must be an ISO 3166 two-letter country code, got \`${raw.defaultCountry}\``,
    );
  }
  if (
    raw.messagingServiceSid !== undefined &&
    !/^MG[0-9a-fA-F]{32}$/.test(raw.messagingServiceSid)
  ) {
    throw new UsageError(
      `\`--messaging-service-sid\` must be MG followed by 32 hexadecimal digits, got \`${raw.messagingServiceSid}\``,
    );
  }
  if (raw.run !== undefined && !/^[\w.:@+-]{1,200}$/.test(raw.run)) {
    throw new UsageError(
      `\`--run\` must be 1–200 letters, digits or . _ - : @ +, got \`${raw.run}\``,
    );
  }
  if (raw.toColumn !== undefined && raw.toColumn.trim() === "") {
    throw new UsageError("`--to-column` must name a column, got an empty string");
  }
  const api = parseChoice("--api", raw.api?.toLowerCase(), API_NAMES) ?? DEFAULT_API;
  const operation: Record<string, string> = {};
  for (const { key, flag, valid, problem } of operationFlags()) {
    const value = raw[key];
    if (typeof value !== "string") continue;
    if (valid && !valid.pattern.test(value.trim())) {
      throw new UsageError(`\`${flag.split(" ")[0]}\` must be ${valid.expected}, got \`${value}\``);
    }
    const wrong = problem?.(value.trim());
    if (wrong !== undefined) throw new UsageError(`\`${flag.split(" ")[0]}\`: ${wrong}`);
    operation[key] = value.trim();
  }
  return {
    ...parseScheduleOptions(raw, env),
    input,
    api,
    operation,
    suppressLandlines: raw.suppressLandlines ?? false,
    format,
    toColumn: (raw.toColumn ?? "to").trim().toLowerCase(),
    body: raw.body,
    from: raw.from,
    messagingServiceSid: raw.messagingServiceSid,
    defaultCountry,
    allowDuplicates: raw.allowDuplicates ?? false,
    statusCallbackUrl: parseUrlOption("--status-callback-url", raw.statusCallbackUrl)?.href,
    journal: raw.journal,
    run: raw.run,
    newRun: raw.newRun ?? false,
    dryRun: raw.dryRun ?? false,
    json: raw.json ?? false,
    yes: raw.yes ?? false,
    pricePerSegment: parseNumberOption("--price-per-segment", raw.pricePerSegment, {
      min: 0,
      max: 1000,
    }),
    ...pricingBudget(env),
    delimiter: raw.delimiter === undefined ? undefined : parseDelimiter(raw.delimiter),
    rowsOut: raw.rowsOut,
    quietHours: parseQuietHoursOptions(raw),
    invocation,
    lock: parseLockFlags(raw, env),
  };
}

/**
 * Test-only, deliberately undocumented: a budget for the Pricing lookups shorter than the 10 s
 * an operator would wait, so a test can outlast it with the simulator's latency.
 */
function pricingBudget(env: NodeJS.ProcessEnv): { pricingBudgetMs?: number } {
  const raw = env.TWILIO_BULK_TEST_PRICING_BUDGET_MS;
  const ms = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(ms) && ms > 0 ? { pricingBudgetMs: ms } : {};
}
