import { defaultSender } from "../core/defaultSender.js";
import type { StateCounts } from "../core/rowState.js";
import { interruption } from "../errors.js";
import type { Journal, SendableRow } from "../journal/journal.js";
import { abortableSleep } from "../pipeline/abortableSleep.js";
import type { HeldRows } from "../pipeline/quietHold.js";
import { sendRows } from "../pipeline/sendRows.js";
import type { Credentials } from "../twilio/readCredentials.js";
import { createProgressReporter } from "../ui/progressReporter.js";
import type { CommandEnv } from "./commandEnv.js";
import { openMessenger } from "./openMessenger.js";
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
  label?: string;
}

/** The sending step shared by `send` and `retry`: the Twilio client, the progress display, the loop. */
export async function sendWithProgress(args: SendWithProgressArgs): Promise<SendingOutcome> {
  const { journal, counts, env, options } = args;
  const messenger = await openMessenger(args.credentials, options);
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
  journal.markRunStarted(args.runId);
  const wallClock = env.wallClock ?? Date.now;
  let result: Awaited<ReturnType<typeof sendRows>>;
  let attempts = 0;
  let rows = args.rows;
  try {
    for (;;) {
      result = await sendRows({
        journal,
        rows,
        messenger,
        schedule: options,
        retry: { maxAttempts: options.maxAttempts, baseDelayMs: 1000, maxDelayMs: 30_000 },
        clock: env.clock,
        signal: env.signal,
        onAttempt: (_row, record) => {
          if (record.outcome !== "retry" && record.outcome !== "fatal") decided(record.outcome);
        },
        // A number that opted out earlier in this run: skipped without a request.
        onSkip: () => decided("skipped"),
        quietHours: options.quietHours && { ...options.quietHours, now: wallClock },
        defaultSender: defaultSender(
          (journal.getRun(args.runId)?.options.sending ?? {}) as Record<string, unknown>,
        ),
      });
      attempts += result.attempts;
      const again = options.quietHours?.wait ? args.pendingAgain : undefined;
      if (!again || !result.held || result.stopped || result.interrupted) break;
      if (!(await waitOutQuietHours(result.held, env, wallClock))) {
        result = { ...result, interrupted: true };
        break;
      }
      rows = again();
    }
  } finally {
    progress.stop();
    messenger.close();
  }
  journal.finishRunIfDone(args.runId);

  let stop: SendingOutcome["stop"] = null;
  if (result.stopped) {
    stop = {
      exitCode: result.stopped.exitCode,
      reason: result.stopped.message,
      fatal: true,
    };
  } else if (result.interrupted) {
    stop = { ...interruption(env.signal), fatal: false };
  }
  return {
    attempts,
    durationMs: env.clock.now() - startedAt,
    stop,
    held: result.held,
  };
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
