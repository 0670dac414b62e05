import { exitCodeFor } from "../core/exitCodeFor.js";
import { CliError, ExitCode } from "../errors.js";
import type { Journal, RunRecord } from "../journal/journal.js";
import { countStatesOf, pendingRowsByIdx, requeueRows } from "../journal/retryRows.js";
import { acquireRunLock, type RunLock } from "../journal/runLock.js";
import { describeChoice, type RetryChoice, selectRetryRows } from "../pipeline/selectRetryRows.js";
import { readCredentials } from "../twilio/readCredentials.js";
import { colorsFor } from "../ui/colors.js";
import { quietHoursNote, quietHoursSummary } from "../ui/quietHoursNote.js";
import { renderNamedWarnings, renderRetryChoice, renderRetryRow } from "../ui/renderRetry.js";
import { renderSummary } from "../ui/renderSummary.js";
import { type RunSummary, runInfo } from "../ui/runSummary.js";
import type { CommandEnv } from "./commandEnv.js";
import { journalFlag } from "./journalFlag.js";
import { openRunJournal } from "./openRunJournal.js";
import { quietHoursFlags } from "./quietHoursOptions.js";
import type { RetryOptions } from "./retryOptions.js";
import { sendWithProgress } from "./sendWithProgress.js";
import { summariseRun } from "./summariseRun.js";

/** The `--json` summary of retry: send's, plus what was chosen and how it ended. */
export interface RetrySummary extends RunSummary {
  retry: RetryChoice;
}

/**
 * `twilio-bulk retry`: sends again the rows of a run that the filter selects, through the
 * same pipeline as `send`. Everything it needs is in the journal; the input is not read.
 * Its exit code judges the rows it retried (0 all sent or skipped, 1 some failed again, 3 some
 * in doubt), so rows left alone on purpose do not fail it forever.
 */
export async function retry(options: RetryOptions, env: CommandEnv): Promise<number> {
  const credentials = options.dryRun ? undefined : readCredentials(env.env);
  const { journal, run } = openRunJournal(options, env);
  let lock: RunLock | undefined;
  try {
    if (run.phase === "preparing") {
      throw new CliError(
        `run ${label(run)} has not finished its pre-flight: nothing of it was sent`,
        ExitCode.dataErr,
        "Run the `send` command that started it again.",
      );
    }
    if (options.dryRun) return dryRun(journal, run, options, env);

    lock = acquireRunLock(journal, run.id);
    const out = (text: string) => {
      if (!options.json) env.stdout.write(text);
    };
    const colors = colorsFor(env.stdout, env.env);
    // Safe only under the run's lock: an attempt in flight is then surely a dead process's.
    const recovered = journal.recoverInFlight(run.id);
    if (recovered > 0) {
      out(
        `${recovered} rows were in flight when the last process stopped: they are in doubt, not sent again.\n`,
      );
    }
    const selection = selectRetryRows(journal, run.id, options.filter);
    const moved = requeueRows(journal, run.id, selection);
    const choice = describeChoice(selection, moved.length);
    out(renderRetryChoice(choice, label(run), colors));
    env.stderr.write(renderNamedWarnings(choice));

    if (moved.length === 0) {
      journal.finishRunIfDone(run.id);
      out("Nothing to retry.\n");
      const summary = summarise(journal, run, choice, { attempts: 0, durationMs: 0, exitCode: 0 });
      if (options.json) env.stdout.write(`${JSON.stringify(summary)}\n`);
      return ExitCode.ok;
    }
    return await resend(journal, run, moved, choice, options, env, credentials!);
  } finally {
    lock?.release();
    journal.close();
  }
}

async function resend(
  journal: Journal,
  run: RunRecord,
  moved: number[],
  choice: RetryChoice,
  options: RetryOptions,
  env: CommandEnv,
  credentials: ReturnType<typeof readCredentials>,
): Promise<number> {
  const sending = await sendWithProgress({
    journal,
    runId: run.id,
    rows: pendingRowsByIdx(journal, run.id, moved),
    pendingAgain: () => pendingRowsByIdx(journal, run.id, moved),
    counts: journal.counts(run.id),
    total: moved.length,
    options,
    credentials,
    env,
    label: "retrying",
  });
  const retried = countStatesOf(journal, run.id, moved);
  const exitCode = sending.stop?.exitCode ?? exitCodeFor(retried, sending.held?.rows);
  const quiet =
    sending.held && options.quietHours
      ? quietHoursSummary(sending.held, options.quietHours.window.text)
      : null;
  const stoppedBy = sending.stop?.reason ?? (quiet && quietHoursNote(quiet));
  const summary = summarise(
    journal,
    run,
    { ...choice, counts: retried },
    {
      attempts: sending.attempts,
      durationMs: sending.durationMs,
      exitCode,
      stoppedBy,
      resume: retried.pending > 0 ? resumeCommand(run, options, env) : null,
      ...(quiet ? { quietHours: quiet } : {}),
    },
  );
  if (options.json) env.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    env.stdout.write(renderSummary(summary, colorsFor(env.stdout, env.env)));
    env.stdout.write(
      `Retried ${moved.length} ${moved.length === 1 ? "row" : "rows"}: ${describeCounts(retried)}.\n`,
    );
  }
  if (sending.stop?.fatal) env.stderr.write(`twilio-bulk: ${stoppedBy}\n`);
  return exitCode;
}

/** Lists what would be retried; reads only, so it takes no lock and changes nothing. */
function dryRun(journal: Journal, run: RunRecord, options: RetryOptions, env: CommandEnv): number {
  const listed: Record<string, unknown>[] = [];
  const selection = selectRetryRows(journal, run.id, options.filter, (row) => {
    if (options.json) listed.push({ ...row });
    else listed.push({ text: renderRetryRow(row) });
  });
  const choice = describeChoice(selection, selection.retry.length);
  if (options.json) {
    env.stdout.write(
      `${JSON.stringify({ dryRun: true, run: runInfo(run), retry: choice, rows: listed })}\n`,
    );
    return ExitCode.ok;
  }
  env.stdout.write(renderRetryChoice(choice, label(run), colorsFor(env.stdout, env.env)));
  env.stderr.write(renderNamedWarnings(choice));
  for (const row of listed) env.stdout.write(String(row.text));
  env.stdout.write(
    choice.selected === 0 ? "Nothing to retry.\n" : "Dry run: nothing was sent or changed.\n",
  );
  return ExitCode.ok;
}

function summarise(
  journal: Journal,
  run: RunRecord,
  choice: RetryChoice,
  extra: Partial<RunSummary> & Pick<RunSummary, "attempts" | "durationMs" | "exitCode">,
): RetrySummary {
  return { ...summariseRun(journal, run.id, extra), retry: choice };
}

function describeCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state.replace("_", " ")}`);
  return parts.length > 0 ? parts.join(", ") : "none";
}

/** Rows left pending (interrupted, or stopped) carry on with `--state pending`. */
function resumeCommand(run: RunRecord, options: RetryOptions, env: CommandEnv): string {
  return `twilio-bulk retry --state pending --run ${run.id}${journalFlag(options.journal, env)}${quietHoursFlags(options.quietHours)}`;
}

function label(run: RunRecord): string {
  return run.name ? `"${run.name}" (${run.id})` : String(run.id);
}
