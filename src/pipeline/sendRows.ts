import type { AttemptRecord } from "../core/attemptRecord.js";
import type { Clock } from "../core/clock.js";
import type { CredentialSource } from "../core/credentialSource.js";
import { decideAttempt, type RetryPolicy } from "../core/decideAttempt.js";
import { suppressionFor } from "../core/decideDelivery.js";
import { AttemptLog } from "../journal/attemptLog.js";
import type { Journal, SendableRow } from "../journal/journal.js";
import { reserveRateSlots } from "../journal/rateSlots.js";
import type { RunDefaults } from "../operations/operation.js";
import { operationOf } from "../operations/registry.js";
import type { TwilioApi } from "../twilio/twilioApi.js";
import { dispatch, type InFlight } from "./dispatch.js";
import { type HeldRows, QuietHold, type QuietHours } from "./quietHold.js";
import { resumedPacer } from "./resumedPacer.js";
import { RunSuppressions } from "./runSuppressions.js";
import { SharedPacer } from "./sharedPacer.js";
import type { StartGate } from "./startGate.js";

export interface Schedule {
  rate: number;
  burst: number;
  concurrency: number;
}

export interface SendRowsArgs {
  journal: Journal;
  rows: AsyncIterable<SendableRow>;
  /** The loaded twilio client: each row's operation sends through it. */
  api: TwilioApi;
  schedule: Schedule;
  /** `--suppress-landlines`: a lookup answering landline or invalid suppresses the number. */
  suppressLandlines?: boolean;
  retry: Omit<RetryPolicy, "random">;
  clock: Clock;
  signal: AbortSignal;
  /** Counts the requests in flight, for the CLI's notice on a signal. */
  inFlight?: InFlight | undefined;
  /** Called once per attempt after it is journaled: the UI counts from this. */
  onAttempt?(row: SendableRow, record: AttemptRecord): void;
  /** Called for a row skipped without a request because its number became suppressed. */
  onSkip?(row: SendableRow, reason: string): void;
  random?: () => number;
  /**
   * The run's own sender and resources (normalised). An answer that one is unusable or not
   * found stops the run only for a row that uses it (the row's operation judges); a row with
   * one of its own just fails. Absent: every row counts as using them.
   */
  runDefaults?: RunDefaults;
  /**
   * The account whose rate `schedule.rate` is. On a PostgreSQL journal every sender of it, on
   * any host, draws from that one rate (the journal's limiter row).
   */
  account?: string | undefined;
  /** Where the credentials came from: a refusal (20003) names what to check. */
  credentials?: CredentialSource | undefined;
  /** Rows whose recipient's local time is inside this window stay pending, unsent. */
  quietHours?: QuietHours | undefined;
}

export interface SendRowsResult {
  /** Set when Twilio answered in a way that fails every row alike (credentials, sender). */
  stopped: { exitCode: 77 | 78; message: string } | null;
  interrupted: boolean;
  attempts: number;
  /** Rows left pending for quiet hours, and when the earliest of them may be sent. */
  held: HeldRows | null;
}

/**
 * Sends rows through the rate limiter, journaling each attempt on both sides of its HTTP call:
 * committed as in flight before, outcome after. The classification and retry decision are the
 * core's; this loop only performs them.
 */
export async function sendRows(args: SendRowsArgs): Promise<SendRowsResult> {
  const random = args.random ?? Math.random;
  const log = new AttemptLog(args.journal);
  const suppressions = new RunSuppressions(args);
  let stopped: SendRowsResult["stopped"] = null;
  const quiet = args.quietHours && new QuietHold(args.quietHours);
  const rows = suppressions.filter(args.rows);
  const summary = await withSharedGate(args, (gate) =>
    dispatch<SendableRow>({
      items: quiet ? quiet.filter(rows) : rows,
      ...args.schedule,
      gate,
      clock: args.clock,
      signal: args.signal,
      inFlight: args.inFlight,
      // Checked before the row takes a token, so a skipped row costs the others no rate.
      skip: (row) => suppressions.skipKnown(row),
      worker: async (row) => {
        // Judged again at the start: the row read ahead (or a retry) may have waited for its
        // token into the window. That token is lost, which only slows the run.
        if (quiet && !quiet.admits(row)) return { kind: "done" };
        const op = operationOf(row.api);
        // Checked again: an opt-out answered (here or by another process) while this row waited.
        if (await suppressions.skipNow(row)) return { kind: "done" };
        // Durable before the request leaves: the whole no-double-send guarantee rests on it.
        const { attemptId, n } = await log.begin(row);
        const classification = op.classify(await op.send(args.api, row.request));
        // Attempts made by this command: --max-attempts applies afresh to each send or retry.
        const decision = decideAttempt(
          classification,
          n - row.attempts,
          { ...args.retry, random: random() },
          args.runDefaults ? op.usesRunDefaults(row.request, args.runDefaults) : true,
          args.credentials,
        );
        const answer = op.suppressionFor?.(classification, {
          suppressLandlines: args.suppressLandlines ?? false,
        });
        const suppress = [suppressionAfterFailure(decision.record), answer].filter((e) => !!e);
        await log.finish({
          attemptId,
          record: decision.record,
          suppress: suppress.map((entry) => ({ number: row.to, ...entry, runId: row.runId })),
        });
        for (const entry of suppress) suppressions.learn(row.to, entry.reason);
        args.onAttempt?.(row, decision.record);
        switch (decision.next.kind) {
          case "done":
            return { kind: "done" };
          case "retry":
            return { kind: "retry", afterMs: decision.next.afterMs };
          case "stop":
            stopped ??= { exitCode: decision.next.exitCode, message: decision.next.message };
            return { kind: "stop" };
        }
      },
    }),
  );
  await suppressions.settled();
  return {
    stopped,
    interrupted: summary.reason === "signal",
    attempts: summary.started,
    held: quiet?.held ?? null,
  };
}

/** An opt-out or a landline answer puts the number on the suppression list for every later run. */
function suppressionAfterFailure(record: AttemptRecord): { code: number; reason: string } | null {
  if (record.outcome !== "failed" || record.errorCode === null) return null;
  return suppressionFor(record.errorCode) ?? null;
}

/**
 * Runs `fn` with the account's rate shared through a PostgreSQL journal, its reservations on a
 * connection of their own: behind the attempts' transactions in the pool they came too late for
 * their slots. A SQLite journal is one host's, where the process's own token bucket keeps the
 * rate without a write per few starts on the journal's one connection; it resumes from the
 * journal's latest starts, so a restart after kill -9 cannot burst either.
 */
async function withSharedGate<T>(
  args: SendRowsArgs,
  fn: (gate: StartGate) => Promise<T>,
): Promise<T> {
  const { journal, account, schedule, clock } = args;
  if (account === undefined || journal.sql.dialect.name !== "postgres") {
    return fn(await resumedPacer(journal.sql, schedule, clock));
  }
  return journal.sql.session((connection) =>
    fn(
      new SharedPacer(schedule, clock, (request) => reserveRateSlots(connection, account, request)),
    ),
  );
}
