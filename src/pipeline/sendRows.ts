import type { AttemptRecord } from "../core/attemptRecord.js";
import type { Clock } from "../core/clock.js";
import type { CredentialSource } from "../core/credentialSource.js";
import { decideAttempt, type RetryPolicy } from "../core/decideAttempt.js";
import { suppressionFor } from "../core/decideDelivery.js";
import { GroupCommit } from "../journal/groupCommit.js";
import type { Journal, SendableRow } from "../journal/journal.js";
import { reserveRateSlots } from "../journal/rateSlots.js";
import { skipSuppressedRow } from "../journal/skipSuppressedRow.js";
import { addSuppression } from "../journal/suppressionList.js";
import type { RunDefaults } from "../operations/operation.js";
import { operationOf } from "../operations/registry.js";
import type { TwilioApi } from "../twilio/twilioApi.js";
import { dispatch, type InFlight } from "./dispatch.js";
import { type HeldRows, QuietHold, type QuietHours } from "./quietHold.js";
import { resumedPacer } from "./resumedPacer.js";
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
  const commits = new GroupCommit(args.journal.sql, { exclusive: false });
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
        const { attemptId, n } = await commits.write((tx) =>
          args.journal.beginAttempt(row.runId, row.idx, tx),
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
        const answer = op.suppressionFor?.(classification, {
          suppressLandlines: args.suppressLandlines ?? false,
        });
        const failure = suppressionAfterFailure(decision.record);
        await commits.write(async (tx) => {
          await args.journal.finishAttempt(attemptId, decision.record, tx);
          for (const entry of [failure, answer]) {
            if (entry) {
              await addSuppression(
                args.journal,
                { number: row.to, ...entry, runId: row.runId },
                tx,
              );
            }
          }
        });
        for (const entry of [failure, answer]) if (entry) suppressions.learn(row.to, entry.reason);
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

/**
 * Numbers suppressed after the pre-flight (an opt-out earlier in this run, or since): never
 * texted. The journal is asked as each row is read; a number this run's own answers suppress is
 * also kept here, so rows to it already read ahead are skipped before they take a token (the
 * scheduler's skip cannot wait for the journal).
 */
class RunSuppressions {
  private readonly known = new Map<string, string>();
  private readonly writes = new Set<Promise<unknown>>();
  constructor(private readonly args: SendRowsArgs) {}

  learn(number: string, reason: string): void {
    if (!this.known.has(number)) this.known.set(number, reason);
  }

  /** The rows, less those whose number the journal says is suppressed (marked skipped). */
  async *filter(rows: AsyncIterable<SendableRow>): AsyncGenerator<SendableRow> {
    for await (const row of rows) {
      if (!(await this.skipNow(row))) yield row;
    }
  }

  /** Skips the row if its number is suppressed now, asking the journal. */
  async skipNow(row: SendableRow): Promise<boolean> {
    if (!operationOf(row.api).texts(row.request)) return false;
    const reason =
      this.known.get(row.to) ?? (await this.args.journal.suppressionOf(row.to))?.reason;
    if (reason === undefined) return false;
    await this.skip(row, reason);
    return true;
  }

  /** Skips the row if this run already knows its number is suppressed (no journal read). */
  skipKnown(row: SendableRow): boolean {
    const reason = this.known.get(row.to);
    if (reason === undefined || !operationOf(row.api).texts(row.request)) return false;
    const write = this.skip(row, reason).finally(() => this.writes.delete(write));
    this.writes.add(write);
    return true;
  }

  private async skip(row: SendableRow, reason: string): Promise<void> {
    if (await skipSuppressedRow(this.args.journal, row.runId, row.idx, { reason })) {
      this.args.onSkip?.(row, `suppressed: ${reason}`);
    }
  }

  /** Waits for the skips still being written. */
  async settled(): Promise<void> {
    await Promise.all([...this.writes]);
  }
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
