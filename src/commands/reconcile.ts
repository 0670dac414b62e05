import { exitCodeFor } from "../core/exitCodeFor.js";
import { type CliError, ExitCode, interruption } from "../errors.js";
import type { Journal, RunRecord } from "../journal/journal.js";
import { inDoubtByApi } from "../journal/reconcileQueries.js";
import { acquireRunLock, type RunLock } from "../journal/runLock.js";
import { operationOf } from "../operations/registry.js";
import {
  emptyReconcileResult,
  type ReconcileResult,
  reconcileRows,
} from "../pipeline/reconcileRows.js";
import { reconcileSearch } from "../pipeline/reconcileSearch.js";
import { type Credentials, readCredentials } from "../twilio/readCredentials.js";
import { colorsFor } from "../ui/colors.js";
import { type ReconcileReport, renderReconcile } from "../ui/renderReconcile.js";
import { renderSummary } from "../ui/renderSummary.js";
import type { RunSummary } from "../ui/runSummary.js";
import type { CommandEnv } from "./commandEnv.js";
import { journalFlag } from "./journalFlag.js";
import { lockOptionsFor } from "./lockOptions.js";
import { openMessenger, openTwilio } from "./openMessenger.js";
import { openRunJournal } from "./openRunJournal.js";
import type { ReconcileOptions } from "./reconcileOptions.js";
import { summariseRun } from "./summariseRun.js";

/** The `--json` summary of reconcile: send's, plus what the lookups found. */
export interface ReconcileSummary extends RunSummary {
  reconcile: ReconcileReport;
}

/**
 * `twilio-bulk reconcile`: settles a run's in-doubt rows by looking each one up in Twilio's
 * message list. Found → sent (flagged when found more than once); not found and older than
 * `--grace` → pending, for the next `send` of the run; otherwise still in doubt. Exit codes as
 * send's, judged on the whole run.
 */
export async function reconcile(options: ReconcileOptions, env: CommandEnv): Promise<number> {
  const credentials = readCredentials(env.env, options.profile);
  const { journal, run } = await openRunJournal(options, env);
  let lock: RunLock | undefined;
  try {
    lock = await acquireRunLock(journal, run.id, lockOptionsFor(options.lock, env));
    const out = (text: string) => {
      if (!options.json) env.stdout.write(text);
    };
    const colors = colorsFor(env.stdout, env.env);
    // Attempts a process that is gone left in flight, made in doubt as the lock was taken.
    const recovered = lock.recovered;
    const { stopped: _stopped, interrupted: _interrupted, ...nothingYet } = emptyReconcileResult();
    const report: ReconcileReport = { recovered, ...nothingYet, graceMs: options.graceMs };
    const startedAt = env.clock.now();
    let exitCode: number = ExitCode.ok;
    let stoppedBy: string | null = null;

    if ((await journal.counts(run.id)).in_doubt === 0) {
      out(`Nothing in doubt in run ${label(run)}.\n`);
    } else {
      // A lost lock stops the lookups like a signal: the run is another process's now.
      const signal = AbortSignal.any([env.signal, lock.lost]);
      const result = await reconcileByApi(journal, run.id, credentials, options, env, signal);
      const { stopped, interrupted, ...found } = result;
      Object.assign(report, found);
      if (stopped) {
        exitCode = stopped.exitCode;
        stoppedBy = stopped.message;
      } else if (lock.lost.aborted) {
        const lost = lock.lost.reason as CliError;
        exitCode = lost.exitCode;
        stoppedBy = lost.message;
      } else if (interrupted) {
        ({ exitCode, reason: stoppedBy } = interruption(env.signal));
      }
      out(renderReconcile(report, label(run), colors));
    }

    // Rows back to pending reopened the run; one whose last rows were settled here is done.
    await journal.finishRunIfDone(run.id);
    const counts = await journal.counts(run.id);
    if (stoppedBy === null) exitCode = exitCodeFor(counts);
    const durationMs = env.clock.now() - startedAt;
    const summary: ReconcileSummary = {
      ...(await summariseRun(journal, run.id, {
        attempts: report.lookups,
        durationMs,
        exitCode,
        stoppedBy,
        resume:
          counts.pending > 0
            ? `twilio-bulk retry --state pending --run ${run.id}${journalFlag(options.journal, env)}`
            : null,
      })),
      reconcile: report,
    };
    if (options.json) env.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      out(renderSummary(summary, colors));
      if (counts.pending > 0) {
        out(
          `${counts.pending} rows are pending: the \`twilio-bulk send\` command of this run, run again, sends them too.\n`,
        );
      }
    }
    if (stoppedBy !== null && (exitCode === 77 || exitCode === 75))
      env.stderr.write(`twilio-bulk: ${stoppedBy}\n`);
    return exitCode;
  } finally {
    await lock?.release();
    await journal.close();
  }
}

/**
 * Each API's in-doubt rows the way its operation can find them: the recipient-grouped message
 * list, a list call per row, or not at all (the rows stay in doubt, and the reason says why).
 */
async function reconcileByApi(
  journal: Journal,
  runId: number,
  credentials: Credentials,
  options: ReconcileOptions,
  env: CommandEnv,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  const total = emptyReconcileResult();
  const common = {
    journal,
    runId,
    schedule: options,
    maxAttempts: options.maxAttempts,
    graceMs: options.graceMs,
    requestTimeoutMs: options.timeoutMs,
    clock: env.clock,
    signal,
    inFlight: env.inFlight,
  };
  for (const [name, count] of await inDoubtByApi(journal, runId)) {
    if (total.stopped || total.interrupted) break;
    const operation = operationOf(name);
    const how = operation.reconcile;
    if (how.kind === "unsupported") {
      total.stillInDoubt[how.reason] = (total.stillInDoubt[how.reason] ?? 0) + count;
      continue;
    }
    if (how.kind === "messageList") {
      const messenger = await openMessenger(credentials, options);
      try {
        addResult(total, await reconcileRows({ ...common, messenger, api: name }));
      } finally {
        messenger.close();
      }
      continue;
    }
    const api = await openTwilio(credentials, options);
    try {
      addResult(total, await reconcileSearch({ ...common, operation, search: how, api }));
    } finally {
      api.close();
    }
  }
  return total;
}

function addResult(total: ReconcileResult, part: ReconcileResult): void {
  total.checked += part.checked;
  total.sent += part.sent;
  total.duplicates.push(...part.duplicates);
  total.pending += part.pending;
  total.lookups += part.lookups;
  for (const [reason, count] of Object.entries(part.stillInDoubt)) {
    total.stillInDoubt[reason] = (total.stillInDoubt[reason] ?? 0) + count;
  }
  total.stopped ??= part.stopped;
  total.interrupted ||= part.interrupted;
}

function label(run: RunRecord): string {
  return run.name ? `"${run.name}" (${run.id})` : String(run.id);
}
