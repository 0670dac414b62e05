import type { AttemptRecord } from "../core/attemptRecord.js";
import { exitCodeFor } from "../core/exitCodeFor.js";
import type { CountryCode } from "../core/normalisePhone.js";
import { ExitCode } from "../errors.js";
import { resolveJournalPath } from "../journal/defaultJournalPath.js";
import { Journal } from "../journal/journal.js";
import type { RunLock } from "../journal/runLock.js";
import { prepareRun } from "../pipeline/prepareRun.js";
import { sendRows } from "../pipeline/sendRows.js";
import { readCredentials } from "../twilio/readCredentials.js";
import { colorsFor } from "../ui/colors.js";
import { createProgressReporter } from "../ui/progressReporter.js";
import { renderPlan, renderSummary } from "../ui/renderSummary.js";
import { type RunSummary, runInfo } from "../ui/runSummary.js";
import type { CommandEnv } from "./commandEnv.js";
import type { SendOptions } from "./sendOptions.js";

export const USER_AGENT = "twilio-bulk/0.1.0";

/** `twilio-bulk send <file|->`: pre-flight the list, then send what is pending, metered. */
export async function send(options: SendOptions, env: CommandEnv): Promise<number> {
  // Credentials are checked before anything is read or written, so a misconfigured cron job
  // fails at once with exit 78 instead of after a long pre-flight.
  const credentials = options.dryRun ? undefined : readCredentials(env.env);
  const journal = new Journal(resolveJournalPath(options.journal, env.env, env.cwd));
  let lock: RunLock | undefined;
  try {
    const prepared = await prepareRun(journal, {
      input: options.input,
      stdin: env.stdin,
      cwd: env.cwd,
      format: options.format,
      sending: {
        toColumn: options.toColumn,
        body: options.body ?? null,
        from: options.from ?? null,
        messagingServiceSid: options.messagingServiceSid ?? null,
        defaultCountry: options.defaultCountry ?? null,
        allowDuplicates: options.allowDuplicates,
      },
      defaults: {
        from: options.from,
        messagingServiceSid: options.messagingServiceSid,
        bodyTemplate: options.body,
        defaultCountry: options.defaultCountry as CountryCode | undefined,
        toColumn: options.toColumn,
        now: new Date(),
      },
      name: options.run,
      newRun: options.newRun,
      options: {
        rate: options.rate,
        burst: options.burst,
        concurrency: options.concurrency,
        maxAttempts: options.maxAttempts,
        apiUrl: options.apiUrl?.origin ?? null,
      },
    });
    // Held from here to the end: no other send, retry or reconcile works on this run meanwhile.
    lock = prepared.lock;
    const out = (text: string) => {
      if (!options.json) env.stdout.write(text);
    };
    const colors = colorsFor(env.stdout, env.env);

    if (prepared.kind === "finished") {
      const { run } = prepared;
      out(
        `Run ${run.name ?? run.id} of this list already finished on ${new Date(run.finishedAt ?? run.createdAt).toISOString()}; nothing to send. Use --new-run to send the list again on purpose.\n`,
      );
      // The exit code is the run's, as the first time: a cron job re-running the command must
      // still see its in-doubt (3) or failed (1) rows, not a clean 0.
      const exitCode = exitCodeFor(journal.counts(run.id));
      const summary = summarise(journal, run.id, { attempts: 0, durationMs: 0, exitCode });
      if (options.json) env.stdout.write(`${JSON.stringify(summary)}\n`);
      else out(renderSummary(summary, colors));
      return exitCode;
    }

    const { run, plan } = prepared;
    if (plan) out(`${renderPlan(plan, options.rate)}\n`);
    else
      out(`Resuming run ${run.name ?? run.id}: ${journal.counts(run.id).pending} rows pending.\n`);

    if (options.dryRun) {
      if (!prepared.resumed) journal.deleteUnsentRun(run.id);
      out("Dry run: nothing was sent.\n");
      if (options.json) env.stdout.write(`${JSON.stringify({ plan, dryRun: true })}\n`);
      return ExitCode.ok;
    }

    // Safe only under the run's lock: an attempt in flight is then surely a dead process's.
    const recovered = journal.recoverInFlight(run.id);
    if (recovered > 0) {
      out(
        `${recovered} rows were in flight when the last process stopped: they are in doubt, not sent again (\`twilio-bulk reconcile --run ${run.id}\` settles them).\n`,
      );
    }
    const counts = journal.counts(run.id);
    const { openTwilioMessenger } = await import("../twilio/twilioMessenger.js");
    const messenger = openTwilioMessenger({
      credentials: credentials!,
      apiUrl: options.apiUrl,
      timeoutMs: options.timeoutMs,
      concurrency: options.concurrency,
      userAgent: USER_AGENT,
    });
    const progress = createProgressReporter({ stream: env.stderr, clock: env.clock });
    const startedAt = env.clock.now();
    let done = 0;
    progress.start(counts.pending);
    journal.markRunStarted(run.id);
    let result: Awaited<ReturnType<typeof sendRows>>;
    try {
      result = await sendRows({
        journal,
        rows: journal.rowsInState(run.id, "pending"),
        messenger,
        schedule: options,
        retry: { maxAttempts: options.maxAttempts, baseDelayMs: 1000, maxDelayMs: 30_000 },
        clock: env.clock,
        signal: env.signal,
        onAttempt: (_row, record: AttemptRecord) => {
          if (record.outcome === "retry" || record.outcome === "fatal") return;
          counts.pending--;
          counts[record.outcome]++;
          done++;
          progress.update(counts, done);
        },
        // A number that opted out earlier in this run: skipped without a request.
        onSkip: () => {
          counts.pending--;
          counts.skipped++;
          done++;
          progress.update(counts, done);
        },
      });
    } finally {
      progress.stop();
      messenger.close();
    }
    journal.finishRunIfDone(run.id);

    const durationMs = env.clock.now() - startedAt;
    const final = journal.counts(run.id);
    let exitCode: number = exitCodeFor(final);
    let stoppedBy: string | null = null;
    if (result.stopped) {
      exitCode = result.stopped.exitCode;
      stoppedBy = `${result.stopped.message}: every other row would fail the same way`;
    } else if (result.interrupted) {
      exitCode = env.signal.reason === "SIGTERM" ? ExitCode.terminated : ExitCode.interrupted;
      stoppedBy = `interrupted by ${String(env.signal.reason ?? "a signal")}`;
    }
    const summary = summarise(journal, run.id, {
      attempts: result.attempts,
      durationMs,
      exitCode,
      stoppedBy,
      plan: plan ?? null,
      resume: final.pending > 0 ? resumeCommand(options, run.id, run.name) : null,
    });
    if (options.json) env.stdout.write(`${JSON.stringify(summary)}\n`);
    else out(renderSummary(summary, colors));
    if (result.stopped) {
      env.stderr.write(`twilio-bulk: ${stoppedBy}\n`);
    }
    return exitCode;
  } finally {
    lock?.release();
    journal.close();
  }
}

function resumeCommand(options: SendOptions, runId: number, name: string | null): string {
  if (options.input === "-" && !name) return `twilio-bulk retry --state pending --run ${runId}`;
  return options.invocation;
}

function summarise(
  journal: Journal,
  runId: number,
  extra: Partial<RunSummary> & Pick<RunSummary, "attempts" | "durationMs" | "exitCode">,
): RunSummary {
  const run = journal.getRun(runId)!;
  return {
    run: runInfo(run),
    counts: journal.counts(runId),
    plan: null,
    rate: extra.durationMs > 0 ? (extra.attempts * 1000) / extra.durationMs : 0,
    stoppedBy: null,
    resume: null,
    ...extra,
  };
}
