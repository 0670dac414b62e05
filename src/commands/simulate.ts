import { CliError, ExitCode, UsageError } from "../errors.js";
import type { SimulatorOptions } from "../simulator/simulatorOptions.js";
import { startSimulator } from "../simulator/startSimulator.js";
import type { CommandEnv } from "./commandEnv.js";
import { parseNumberOption } from "./parseOptions.js";

export interface SimulateOptions {
  port: number;
  mps?: number;
  concurrency?: number;
  latency?: number;
  jitter?: number;
  errorRate?: number;
  resetRate?: number;
  dropRate?: number;
  retryAfter?: number;
  seed?: number;
  accountSid?: string;
  authToken?: string;
  /** Seconds; stop by itself after it, for scripts. */
  duration?: number;
}

/** SimulateOptions as commander hands them over: every value may still be a string. */
export type RawSimulateOptions = Partial<
  Record<keyof SimulateOptions, string | number | undefined>
>;

/**
 * `twilio-bulk simulate`: a local fake Twilio for demos and rehearsals. stdout gets only
 * `KEY=value` lines, so a script can `eval` or `source` them; the human talk goes to stderr.
 * Takes checked options or commander's raw strings alike; both go through parseSimulateOptions.
 */
export async function simulate(
  options: SimulateOptions | RawSimulateOptions,
  env: CommandEnv,
): Promise<number> {
  const checked = parseSimulateOptions(options);
  const { duration } = checked;
  const simulatorOptions = toSimulatorOptions(checked);
  const sim = await startSimulator(simulatorOptions).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    throw new CliError(
      `port ${simulatorOptions.port} is already in use`,
      ExitCode.tempFail,
      "pick another `--port`, or `--port 0` for any free one",
    );
  });
  env.stdout.write(
    `TWILIO_BULK_API_URL=${sim.url}\nTWILIO_ACCOUNT_SID=${sim.accountSid}\nTWILIO_AUTH_TOKEN=${sim.authToken}\n`,
  );
  const until = duration === undefined ? "Ctrl-C to stop" : `stopping after ${duration} s`;
  env.stderr.write(`Twilio simulator listening on ${sim.url} (${until}).\n`);
  try {
    await stopSignal(env.signal, duration);
  } finally {
    await sim.close();
  }
  const creates = sim.creates().length;
  const messages = sim.messages().length;
  env.stderr.write(
    `Simulator stopped: ${creates} create requests, ${messages} messages created.\n`,
  );
  return ExitCode.ok;
}

/**
 * Checks options as commander gives them (strings) or as a caller does (numbers), naming the
 * flag in every complaint, e.g. "`--mps` must be a number > 0, got `abc`".
 */
export function parseSimulateOptions(raw: RawSimulateOptions): SimulateOptions {
  const rate = { min: 0, max: 1 };
  const text = (value: string | number | undefined) =>
    value === undefined ? undefined : String(value);
  const options: SimulateOptions = {
    port: parseNumberOption("--port", raw.port, { min: 0, max: 65535, integer: true }) ?? 0,
    mps: parseNumberOption("--mps", raw.mps, { min: 0, exclusiveMin: true }),
    concurrency: parseNumberOption("--concurrency", raw.concurrency, { min: 1, integer: true }),
    latency: parseNumberOption("--latency", raw.latency, { min: 0 }),
    jitter: parseNumberOption("--jitter", raw.jitter, { min: 0 }),
    errorRate: parseNumberOption("--error-rate", raw.errorRate, rate),
    resetRate: parseNumberOption("--reset-rate", raw.resetRate, rate),
    dropRate: parseNumberOption("--drop-rate", raw.dropRate, rate),
    retryAfter: parseNumberOption("--retry-after", raw.retryAfter, { min: 0 }),
    seed: parseNumberOption("--seed", raw.seed, { integer: true }),
    accountSid: text(raw.accountSid),
    authToken: text(raw.authToken),
    duration: parseNumberOption("--duration", raw.duration, { min: 0, exclusiveMin: true }),
  };
  const faults = (options.errorRate ?? 0) + (options.resetRate ?? 0) + (options.dropRate ?? 0);
  if (faults > 1 + 1e-9) {
    throw new UsageError(
      `\`--error-rate\` + \`--reset-rate\` + \`--drop-rate\` must be at most 1, got \`${faults}\``,
    );
  }
  if (options.accountSid !== undefined && !/^AC\w+$/.test(options.accountSid)) {
    throw new UsageError(`\`--account-sid\` must start with AC, got \`${options.accountSid}\``);
  }
  if (options.authToken === "") throw new UsageError("`--auth-token` must not be empty");
  return options;
}

function toSimulatorOptions(options: SimulateOptions): SimulatorOptions {
  return {
    port: options.port,
    mps: options.mps,
    concurrency: options.concurrency,
    latencyMs: options.latency,
    jitterMs: options.jitter,
    serverErrorRate: options.errorRate,
    resetRate: options.resetRate,
    dropRate: options.dropRate,
    retryAfterSeconds: options.retryAfter,
    seed: options.seed,
    accountSid: options.accountSid,
    authToken: options.authToken,
  };
}

/** Resolves on the first of: the signal aborting, `duration` seconds passing. */
function stopSignal(signal: AbortSignal, duration: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = duration === undefined ? undefined : setTimeout(done, duration * 1000);
    signal.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
