import type { StateCounts } from "../core/rowState.js";
import { type CliError, interruption } from "../errors.js";
import { releaseClaims } from "../journal/claimRows.js";
import type { Journal, SendableRow } from "../journal/journal.js";
import type { RunLock } from "../journal/runLock.js";
import { operationOf } from "../operations/registry.js";
import { runDefaults } from "../operations/runDefaults.js";
import { abortableSleep } from "../pipeline/abortableSleep.js";
import type { HeldRows } from "../pipeline/quietHold.js";
import { sendRows } from "../pipeline/sendRows.js";
import type { Credentials } from "../twilio/readCredentials.js";
import { createProgressReporter } from "../ui/progressReporter.js";
import type { CommandEnv } from "./commandEnv.js";
import { openTwilio } from "./openMessenger.js";
import type { QuietHoursOptions } from "./quietHoursOptions.js";
import type { ScheduleOptions } from "./sendOptions.js";

export interface SendingOutcome {
  attempts: number;
  durationMs: number;
  /** Why sending ended before every row was tried, with the exit code that says so. */
  stop: { exitCode: number; reason: string; fatal: boolean } | null;
  /** Rows left pending because their recipients are inside quiet hours. */
  held: HeldRows | null;
}

export interface SendWithProgressArgs {
  journal: Journal;
  runId: number;
  rows: AsyncIterable<SendableRow>;
  /** The pending rows read afresh, for a second pass after waiting out quiet hours. */
  pendingAgain?: () => AsyncIterable<SendableRow>;
  /** The run's counts before sending; updated as rows are decided, for the progress display. */
  counts: StateCounts;
  total: number;
  options: ScheduleOptions & { quietHours?: QuietHoursOptions | undefined };
  credentials: Credentials;
  env: CommandEnv;
  /** The run's lock: sending stops, exit 75, once it is found taken over. */
  lock: RunLock;
  label?: string;
}

/** The sending step shared by `send` and `retry`: the Twilio client, the progress display, the loop. */
export async function sendWithProgress(args: SendWithProgressArgs): Promise<SendingOutcome> {
  const { journal, counts, env, options } = args;
  const api = await openTwilio(args.credentials, options);
  // twilio-node loads its API modules on first use (about 100 ms): load them now, before the
  // rate limiter starts, or the first requests queue behind them and reach Twilio bunched.
  for (const name of await journal.apisOf(args.runId)) operationOf(name).warm(api);
  const runOptions = (await journal.getRun(args.runId))?.options ?? {};
  const progress = createProgressReporter({
    stream: env.stderr,
    clock: env.clock,
    ...(args.label ? { label: args.label } : {}),
  });
  const startedAt = env.clock.now();
  let done = 0;
  const decided = (state: keyof StateCounts) => {
    counts.pending--;
    counts[state]++;
    progress.update(counts, ++done);
  };
  progress.start(args.total);
  await journal.markRunStarted(args.runId);
  const wallClock = env.wallClock ?? Date.now;
  let result: Awaited<ReturnType<typeof sendRows>>;
  let attempts = 0;
  let rows = args.rows;
  try {
    for (;;) {
      result = await sendRows({
        journal,
        rows,
        api,
        schedule: options,
        account: args.credentials.accountSid,
        suppressLandlines: runOptions.suppressLandlines === true,
        retry: { maxAttempts: options.maxAttempts, baseDelayMs: 1000, maxDelayMs: 30_000 },
        clock: env.clock,
        // A lost lock stops the starts like a signal; the journal refuses any that slip past.
        signal: AbortSignal.any([env.signal, args.lock.lost]),
        inFlight: env.inFlight,
        credentials: args.credentials.source,
        onAttempt: (_row, record) => {
          attempts++;
          if (record.outcome !== "retry" && record.outcome !== "fatal") decided(record.outcome);
        },
        // A number that opted out earlier in this run: skipped without a request.
        onSkip: () => decided("skipped"),
        quietHours: options.quietHours && { ...options.quietHours, now: wallClock },
        runDefaults: runDefaults((runOptions.sending ?? {}) as Record<string, unknown>),
      });
      // Nothing is in flight now. Rows held back go back to the run's other workers: one that
      // does not wait stops (exit 4) rather than waiting for this one, and this one's next pass
      // claims them again.
      if (result.held && args.lock.shared)
        await releaseClaims(journal.sql, args.runId, args.lock.token);
      const again = options.quietHours?.wait ? args.pendingAgain : undefined;
      if (!again || !result.held || result.stopped || result.interrupted) break;
      if (!(await waitOutQuietHours(result.held, env, wallClock))) {
        result = { ...result, interrupted: true };
        break;
      }
      rows = again();
    }
  } catch (error) {
    // A start refused by the fence before a heartbeat saw the takeover: the same stop.
    if (await args.lock.check()) throw error;
    result = { stopped: null, interrupted: true, attempts, held: null };
  } finally {
    progress.stop();
    api.close();
  }
  // A run taken over is the new holder's to finish.
  if (!args.lock.lost.aborted) await journal.finishRunIfDone(args.runId);

  let stop: SendingOutcome["stop"] = null;
  if (args.lock.lost.aborted) {
    const lost = args.lock.lost.reason as CliError;
    stop = { exitCode: lost.exitCode, reason: lost.message, fatal: true };
  } else if (result.stopped) {
    stop = {
      exitCode: result.stopped.exitCode,
      reason: result.stopped.message,
      fatal: true,
    };
  } else if (result.interrupted) {
    stop = { ...interruption(env.signal), fatal: false };
  }
  return { attempts, durationMs: env.clock.now() - startedAt, stop, held: result.held };
}

/** `--wait-quiet-hours`: sleeps until the earliest held row may go; false when a signal came. */
async function waitOutQuietHours(
  held: HeldRows,
  env: CommandEnv,
  wallClock: () => number,
): Promise<boolean> {
  const rows = held.rows === 1 ? "1 row" : `${held.rows} rows`;
  env.stderr.write(
    `quiet hours: ${rows} held; waiting until ${new Date(held.resumeAt).toISOString()} (${held.localEnd} ${held.timeZone}). Ctrl-C stops and keeps them pending.\n`,
  );
  await abortableSleep(env.clock, held.resumeAt - wallClock(), env.signal);
  return !env.signal.aborted;
}
