import type { AttemptRecord } from "../core/attemptRecord.js";
import type { Clock } from "../core/clock.js";
import type { CredentialSource } from "../core/credentialSource.js";
import { decideAttempt, type RetryPolicy } from "../core/decideAttempt.js";
import { suppressionFor } from "../core/decideDelivery.js";
import { GroupCommit } from "../journal/groupCommit.js";
import type { Journal, SendableRow } from "../journal/journal.js";
import { skipSuppressedRow } from "../journal/skipSuppressedRow.js";
import { addSuppression } from "../journal/suppressionList.js";
import type { RunDefaults } from "../operations/operation.js";
import { operationOf } from "../operations/registry.js";
import type { TwilioApi } from "../twilio/twilioApi.js";
import { dispatch, type InFlight } from "./dispatch.js";
import { type HeldRows, QuietHold, type QuietHours } from "./quietHold.js";

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
  const commits = new GroupCommit(args.journal.db);
  let stopped: SendRowsResult["stopped"] = null;
  const quiet = args.quietHours && new QuietHold(args.quietHours);
  const summary = await dispatch<SendableRow>({
    items: quiet ? quiet.filter(args.rows) : args.rows,
    ...args.schedule,
    clock: args.clock,
    signal: args.signal,
    inFlight: args.inFlight,
    // Checked before the row takes a token, so a skipped row costs the others no rate.
    skip: (row) => skipIfSuppressed(args, row),
    worker: async (row) => {
      // Judged again at the start: the row read ahead (or a retry) may have waited for its
      // token into the window. That token is lost, which only slows the run.
      if (quiet && !quiet.admits(row)) return { kind: "done" };
      const op = operationOf(row.api);
      // Checked again: an opt-out answered while this row waited for its token.
      if (skipIfSuppressed(args, row)) return { kind: "done" };
      // Durable before the request leaves: the whole no-double-send guarantee rests on it.
      const { attemptId, n } = await commits.write(() =>
        args.journal.beginAttempt(row.runId, row.idx),
      );
      const classification = op.classify(await op.send(args.api, row.request));
      // Attempts made by this command: --max-attempts applies afresh to each send or retry.
      const decision = decideAttempt(
        classification,
        n - row.attempts,
        { ...args.retry, random: random() },
        args.runDefaults ? op.usesRunDefaults(row.request, args.runDefaults) : true,
        args.credentials,
      );
      await commits.write(() => {
        args.journal.finishAttempt(attemptId, decision.record);
        suppressAfterFailure(args.journal, row, decision.record);
        const answer = op.suppressionFor?.(classification, {
          suppressLandlines: args.suppressLandlines ?? false,
        });
        if (answer) addSuppression(args.journal, { number: row.to, ...answer, runId: row.runId });
      });
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
  });
  return {
    stopped,
    interrupted: summary.reason === "signal",
    attempts: summary.started,
    held: quiet?.held ?? null,
  };
}

/** Suppressed after the pre-flight (an opt-out earlier in this run, or since): never text. */
function skipIfSuppressed(args: SendRowsArgs, row: SendableRow): boolean {
  if (!operationOf(row.api).texts(row.request)) return false;
  const suppressed = args.journal.suppressionOf(row.to);
  if (!suppressed) return false;
  if (skipSuppressedRow(args.journal, row.runId, row.idx, suppressed)) {
    args.onSkip?.(row, `suppressed: ${suppressed.reason}`);
  }
  return true;
}

/** An opt-out or a landline answer puts the number on the suppression list for every later run. */
function suppressAfterFailure(journal: Journal, row: SendableRow, record: AttemptRecord): void {
  if (record.outcome !== "failed" || record.errorCode === null) return;
  const suppression = suppressionFor(record.errorCode);
  if (suppression) addSuppression(journal, { number: row.to, ...suppression, runId: row.runId });
}
