import { exitCodeFor } from "../core/exitCodeFor.js";
import type { CountryCode } from "../core/normalisePhone.js";
import { CliError, ExitCode, interruption } from "../errors.js";
import { claimBatchSize } from "../journal/claimRows.js";
import { resolveJournalPath } from "../journal/defaultJournalPath.js";
import { Journal } from "../journal/journal.js";
import { pendingByApi } from "../journal/pendingByApi.js";
import { lockHolders, type RunLock } from "../journal/runLock.js";
import { countRequests, segmentRows } from "../operations/countRequests.js";
import { describePlan } from "../operations/describePlan.js";
import { DEFAULT_API } from "../operations/registry.js";
import { prepareRun } from "../pipeline/prepareRun.js";
import { workerRows } from "../pipeline/workerRows.js";
import { readCredentials } from "../twilio/readCredentials.js";
import { colorsFor } from "../ui/colors.js";
import { quietHoursNote, quietHoursSummary } from "../ui/quietHoursNote.js";
import { confirmQuestion, renderCost } from "../ui/renderCost.js";
import { renderRejectedRows } from "../ui/renderRejectedRows.js";
import { renderPlan, renderSummary } from "../ui/renderSummary.js";
import { askYesNo, canAsk } from "./askYesNo.js";
import type { CommandEnv } from "./commandEnv.js";
import { estimateRunCost } from "./estimateRunCost.js";
import { journalFlag } from "./journalFlag.js";
import { lockOptionsFor } from "./lockOptions.js";
import { quietHoursFlags } from "./quietHoursOptions.js";
import { RejectedRows } from "./rejectedRows.js";
import { sayDelimiter } from "./sayDelimiter.js";
import type { SendOptions } from "./sendOptions.js";
import { sendWithProgress } from "./sendWithProgress.js";
import { summariseRun } from "./summariseRun.js";

/** `twilio-bulk send <file|->`: pre-flight the list, then send what is pending, metered. */
export async function send(options: SendOptions, env: CommandEnv): Promise<number> {
  // Credentials are checked before anything is read or written, so a misconfigured cron job
  // fails at once with exit 78 instead of after a long pre-flight.
  const credentials = options.dryRun ? undefined : readCredentials(env.env, options.profile);
  const journal = await Journal.open(resolveJournalPath(options.journal, env.env, env.cwd));
  let lock: RunLock | undefined;
  let rejected: RejectedRows | undefined;
  try {
    rejected = new RejectedRows({
      toColumn: options.toColumn,
      rowsOut: options.rowsOut,
      json: options.json && options.dryRun ? env.stdout : undefined,
    });
    await rejected.open();
    const listing = rejected;
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
        statusCallbackUrl: options.statusCallbackUrl ?? null,
        ...(options.api !== DEFAULT_API && { api: options.api }),
        ...(Object.keys(options.operation).length > 0 && { operation: options.operation }),
      },
      defaults: {
        api: options.api,
        options: options.operation,
        from: options.from,
        messagingServiceSid: options.messagingServiceSid,
        bodyTemplate: options.body,
        defaultCountry: options.defaultCountry as CountryCode | undefined,
        toColumn: options.toColumn,
        statusCallback: options.statusCallbackUrl,
        suppression: { suppressLandlines: options.suppressLandlines },
        now: new Date(),
      },
      name: options.run,
      newRun: options.newRun,
      signal: env.signal,
      csv: {
        delimiter: options.delimiter,
        onDelimiter: (delimiter) => sayDelimiter(options.input, delimiter, env),
      },
      onRejected: (row) => listing.add(row),
      // A journal that many hosts share lets every sender of a run work on it together.
      lock: { ...lockOptionsFor(options.lock, env), shared: isShared(journal) },
      onWaitForPreflight: (holder) =>
        env.stderr.write(
          `twilio-bulk: run is being prepared by process ${holder.pid} on host ${holder.host}; waiting to join it.\n`,
        ),
      options: {
        rate: options.rate,
        burst: options.burst,
        concurrency: options.concurrency,
        maxAttempts: options.maxAttempts,
        apiUrl: options.apiUrl?.origin ?? null,
        ...(options.suppressLandlines && { suppressLandlines: true }),
      },
    });
    // Held from here to the end: no retry or reconcile works on this run meanwhile, and no other
    // send but the run's fellow workers on a shared journal.
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
      const summary = await summariseRun(journal, run.id, {
        attempts: 0,
        durationMs: 0,
        exitCode: ExitCode.ok,
      });
      if (options.json) env.stdout.write(`${JSON.stringify(summary)}\n`);
      else out(renderSummary(summary, colors));
      return ExitCode.ok;
    }

    const { run, plan } = prepared;
    const pending = (await journal.counts(run.id)).pending;
    // Every real send a person could stop is confirmed: a cron job has no terminal to ask.
    const confirming = !options.dryRun && !options.yes && pending > 0 && canAsk(env);
    const cost = await estimateRunCost(
      journal,
      run.id,
      { ...options, lookUp: confirming },
      credentials,
    );
    if (plan) {
      out(
        `${[renderPlan(plan, options.rate, segmentRows(plan.byApi)), ...describePlan(plan.byApi, options.rate)].join("\n")}\n`,
      );
    } else {
      const others = (await lockHolders(journal.sql, run.id)).length - 1;
      const joining =
        others > 0
          ? `Joining run ${run.name ?? run.id} (${others} other ${others === 1 ? "sender" : "senders"})`
          : `Resuming run ${run.name ?? run.id}`;
      out(`${joining}: ${pending} rows pending.\n`);
    }
    // The cost belongs to the plan it estimates, above the rows that are left out of it.
    if (cost) out(`${renderCost(cost)}\n`);
    // A real send lists them too: the last look at what will not be sent, before it starts.
    if (plan) out(renderRejectedRows(rejected.shown, rejected.count, colors, options.rowsOut));
    await rejected.close();
    if (options.rowsOut !== undefined && (options.json || !plan)) {
      env.stderr.write(
        `${rejected.count} invalid and skipped rows written to ${options.rowsOut}.\n`,
      );
    }

    if (options.dryRun) {
      if (!prepared.resumed) await journal.deleteUnsentRun(run.id);
      out("Dry run: nothing was sent.\n");
      await rejected.endJson(plan, cost ? { cost } : {});
      return ExitCode.ok;
    }
    if (confirming) {
      const byApi = await pendingByApi(journal, run.id);
      const question = confirmQuestion({
        texts: countRequests(byApi, { segments: true }),
        others: countRequests(byApi, { segments: false }),
        segments: cost?.segments ?? plan?.segments ?? run.segments,
        cost,
        accountSid: credentials!.accountSid,
        profile: options.profile,
      });
      const answer = await askYesNo(question, env);
      if (answer !== "yes") {
        // Forgotten as after --dry-run; a resumed run stays as it was.
        if (!prepared.resumed) await journal.deleteUnsentRun(run.id);
        throw notConfirmed(answer, env.signal);
      }
    }

    // Attempts a process that is gone left in flight, made in doubt as the lock was taken.
    const recovered = lock.recovered;
    if (recovered > 0) {
      out(
        `${recovered} rows were in flight when the last process stopped: they are in doubt, not sent again (\`twilio-bulk reconcile --run ${run.id}\` settles them).\n`,
      );
    }
    const counts = await journal.counts(run.id);
    if (isShared(journal)) await lock.share();
    const held = lock;
    const pendingRows = () =>
      held.shared
        ? workerRows(journal, held, {
            batch: claimBatchSize(options.rate),
            clock: env.clock,
            signal: AbortSignal.any([env.signal, held.lost]),
          })
        : journal.rowsInState(run.id, "pending");
    const sending = await sendWithProgress({
      journal,
      runId: run.id,
      rows: pendingRows(),
      pendingAgain: pendingRows,
      counts,
      total: counts.pending,
      options,
      credentials: credentials!,
      env,
      lock,
    });
    const final = await journal.counts(run.id);
    const exitCode = sending.stop?.exitCode ?? exitCodeFor(final, sending.held?.rows);
    const quiet =
      sending.held && options.quietHours
        ? quietHoursSummary(sending.held, options.quietHours.window.text)
        : null;
    const stoppedBy = sending.stop?.reason ?? (quiet && quietHoursNote(quiet));
    const summary = await summariseRun(journal, run.id, {
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
  } catch (error) {
    // A dry run's only product is its output: a reader that left (`… | head`) ends it, quietly.
    if (options.dryRun && env.signal.aborted && env.signal.reason === "SIGPIPE") {
      return ExitCode.ok;
    }
    throw error;
  } finally {
    await rejected?.close();
    await lock?.release();
    await journal.close();
  }
}

/**
 * Whether the journal's runs are worked on by several senders together: a PostgreSQL journal's,
 * shared by hosts. A SQLite journal is one machine's: one process per run, as the lock says.
 */
function isShared(journal: Journal): boolean {
  return journal.sql.dialect.name === "postgres";
}

/**
 * Why nothing was sent after the question. Exit 75, not 0, for a no: a script that runs
 * `send` on a terminal must not carry on as if the messages had gone out (sysexits has no
 * "declined"; 75 says "nothing happened, run it again"). A signal keeps its own 130 / 143.
 */
function notConfirmed(answer: "no" | "interrupted", signal: AbortSignal): CliError {
  if (answer === "interrupted") {
    const { exitCode, reason } = interruption(signal);
    return new CliError(`${reason} at the confirmation: nothing was sent`, exitCode);
  }
  return new CliError(
    "not confirmed: nothing was sent",
    ExitCode.tempFail,
    "Run the command again and answer y, or pass --yes to send without asking.",
  );
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
