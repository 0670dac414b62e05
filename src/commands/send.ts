import { exitCodeFor } from "../core/exitCodeFor.js";
import type { CountryCode } from "../core/normalisePhone.js";
import { ExitCode } from "../errors.js";
import { resolveJournalPath } from "../journal/defaultJournalPath.js";
import { Journal } from "../journal/journal.js";
import type { RunLock } from "../journal/runLock.js";
import { prepareRun } from "../pipeline/prepareRun.js";
import { readCredentials } from "../twilio/readCredentials.js";
import { colorsFor } from "../ui/colors.js";
import { quietHoursNote, quietHoursSummary } from "../ui/quietHoursNote.js";
import { renderPlan, renderSummary } from "../ui/renderSummary.js";
import type { CommandEnv } from "./commandEnv.js";
import { journalFlag } from "./journalFlag.js";
import { quietHoursFlags } from "./quietHoursOptions.js";
import type { SendOptions } from "./sendOptions.js";
import { sendWithProgress } from "./sendWithProgress.js";
import { summariseRun } from "./summariseRun.js";

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
      signal: env.signal,
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
      // Exit 0: this command had nothing to do, and a cron job re-running a finished list is not
      // an error. The counts, and what to do about rows still in doubt, are printed all the same.
      const summary = summariseRun(journal, run.id, {
        attempts: 0,
        durationMs: 0,
        exitCode: ExitCode.ok,
      });
      if (options.json) env.stdout.write(`${JSON.stringify(summary)}\n`);
      else out(renderSummary(summary, colors));
      return ExitCode.ok;
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
    const sending = await sendWithProgress({
      journal,
      runId: run.id,
      rows: journal.rowsInState(run.id, "pending"),
      pendingAgain: () => journal.rowsInState(run.id, "pending"),
      counts,
      total: counts.pending,
      options,
      credentials: credentials!,
      env,
    });
    const final = journal.counts(run.id);
    const exitCode = sending.stop?.exitCode ?? exitCodeFor(final, sending.held?.rows);
    const quiet =
      sending.held && options.quietHours
        ? quietHoursSummary(sending.held, options.quietHours.window.text)
        : null;
    const stoppedBy = sending.stop?.reason ?? (quiet && quietHoursNote(quiet));
    const summary = summariseRun(journal, run.id, {
      attempts: sending.attempts,
      durationMs: sending.durationMs,
      exitCode,
      stoppedBy,
      plan: plan ?? null,
      resume: final.pending > 0 ? resumeCommand(options, run.id, run.name, env) : null,
      ...(quiet ? { quietHours: quiet } : {}),
    });
    if (options.json) env.stdout.write(`${JSON.stringify(summary)}\n`);
    else out(renderSummary(summary, colors));
    if (sending.stop?.fatal) env.stderr.write(`twilio-bulk: ${stoppedBy}\n`);
    return exitCode;
  } finally {
    lock?.release();
    journal.close();
  }
}

function resumeCommand(
  options: SendOptions,
  runId: number,
  name: string | null,
  env: CommandEnv,
): string {
  // The stdin list cannot be read again: resume from the journal alone, the same journal.
  if (options.input === "-" && !name) {
    return `twilio-bulk retry --state pending --run ${runId}${journalFlag(options.journal, env)}${quietHoursFlags(options.quietHours)}`;
  }
  return options.invocation;
}
