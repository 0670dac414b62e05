import { exitCodeFor } from "../core/exitCodeFor.js";
import { type CliError, ExitCode, interruption } from "../errors.js";
import type { RunRecord } from "../journal/journal.js";
import { acquireRunLock, type RunLock } from "../journal/runLock.js";
import { reconcileRows } from "../pipeline/reconcileRows.js";
import { readCredentials } from "../twilio/readCredentials.js";
import { colorsFor } from "../ui/colors.js";
import { type ReconcileReport, renderReconcile } from "../ui/renderReconcile.js";
import { renderSummary } from "../ui/renderSummary.js";
import type { RunSummary } from "../ui/runSummary.js";
import type { CommandEnv } from "./commandEnv.js";
import { journalFlag } from "./journalFlag.js";
import { lockOptionsFor } from "./lockOptions.js";
import { openMessenger } from "./openMessenger.js";
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
  const credentials = readCredentials(env.env);
  const { journal, run } = openRunJournal(options, env);
  let lock: RunLock | undefined;
  try {
    lock = acquireRunLock(journal, run.id, lockOptionsFor(options.lock, env));
    const out = (text: string) => {
      if (!options.json) env.stdout.write(text);
    };
    const colors = colorsFor(env.stdout, env.env);
    // Safe only under the run's lock: an attempt in flight is then surely a dead process's.
    const recovered = journal.recoverInFlight(run.id);
    const report: ReconcileReport = {
      recovered,
      checked: 0,
      sent: 0,
      duplicates: [],
      pending: 0,
      stillInDoubt: {},
      lookups: 0,
      graceMs: options.graceMs,
    };
    const startedAt = env.clock.now();
    let exitCode: number = ExitCode.ok;
    let stoppedBy: string | null = null;

    if (journal.counts(run.id).in_doubt === 0) {
      out(`Nothing in doubt in run ${label(run)}.\n`);
    } else {
      const messenger = await openMessenger(credentials, options);
      try {
        const result = await reconcileRows({
          journal,
          runId: run.id,
          messenger,
          schedule: options,
          maxAttempts: options.maxAttempts,
          graceMs: options.graceMs,
          clock: env.clock,
          // A lost lock stops the lookups like a signal: the run is another process's now.
          signal: AbortSignal.any([env.signal, lock.lost]),
        });
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
      } finally {
        messenger.close();
      }
      out(renderReconcile(report, label(run), colors));
    }

    // Rows back to pending reopened the run; one whose last rows were settled here is done.
    journal.finishRunIfDone(run.id);
    const counts = journal.counts(run.id);
    if (stoppedBy === null) exitCode = exitCodeFor(counts);
    const durationMs = env.clock.now() - startedAt;
    const summary: ReconcileSummary = {
      ...summariseRun(journal, run.id, {
        attempts: report.lookups,
        durationMs,
        exitCode,
        stoppedBy,
        resume:
          counts.pending > 0
            ? `twilio-bulk retry --state pending --run ${run.id}${journalFlag(options.journal, env)}`
            : null,
      }),
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
    lock?.release();
    journal.close();
  }
}

function label(run: RunRecord): string {
  return run.name ? `"${run.name}" (${run.id})` : String(run.id);
}
