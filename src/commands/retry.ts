import { exitCodeFor } from "../core/exitCodeFor.js";
import { CliError, ExitCode } from "../errors.js";
import type { Journal, RunRecord } from "../journal/journal.js";
import { type RetrySelection, requeueRows } from "../journal/retryRows.js";
import { acquireRunLock, type RunLock } from "../journal/runLock.js";
import {
  describeChoice,
  emptyTally,
  type RetryChoice,
  selectRetryRows,
} from "../pipeline/selectRetryRows.js";
import { readerGone, writeText } from "../report/writeText.js";
import { readCredentials } from "../twilio/readCredentials.js";
import { colorsFor } from "../ui/colors.js";
import { quietHoursNote, quietHoursSummary } from "../ui/quietHoursNote.js";
import { renderNamedWarnings, renderRetryChoice, renderRetryRow } from "../ui/renderRetry.js";
import { renderSummary } from "../ui/renderSummary.js";
import { type RunSummary, runInfo } from "../ui/runSummary.js";
import type { CommandEnv } from "./commandEnv.js";
import { journalFlag } from "./journalFlag.js";
import { lockOptionsFor } from "./lockOptions.js";
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
  const credentials = options.dryRun ? undefined : readCredentials(env.env, options.profile);
  const { journal, run } = await openRunJournal(options, env);
  let lock: RunLock | undefined;
  try {
    if (run.phase === "preparing") {
      throw new CliError(
        `run ${label(run)} has not finished its pre-flight: nothing of it was sent`,
        ExitCode.dataErr,
        "Run the `send` command that started it again.",
      );
    }
    if (options.dryRun) return await dryRun(journal, run, options, env);

    const held = await acquireRunLock(journal, run.id, lockOptionsFor(options.lock, env));
    lock = held;
    const out = (text: string) => {
      if (!options.json) env.stdout.write(text);
    };
    const colors = colorsFor(env.stdout, env.env);
    // Attempts a process that is gone left in flight, made in doubt as the lock was taken.
    const recovered = held.recovered;
    if (recovered > 0) {
      out(
        `${recovered} rows were in flight when the last process stopped: they are in doubt, not sent again.\n`,
      );
    }
    // One connection for the whole retry: the selection is a temporary table on it.
    return await journal.sql.session(async (session) => {
      const tally = emptyTally();
      const { selection, moved } = await requeueRows(session, run.id, (tx) =>
        selectRetryRows(journal, run.id, options.filter, tally, { q: tx }),
      );
      const choice = describeChoice({ ...tally, selected: moved });
      env.stderr.write(inDoubtWarning(tally.namedInDoubt));
      out(renderRetryChoice(choice, label(run), colors));
      env.stderr.write(renderNamedWarnings(choice));

      if (moved === 0) {
        await journal.finishRunIfDone(run.id);
        out("Nothing to retry.\n");
        const summary = await summarise(journal, run, choice, {
          attempts: 0,
          durationMs: 0,
          exitCode: 0,
        });
        if (options.json) env.stdout.write(`${JSON.stringify(summary)}\n`);
        return ExitCode.ok;
      }
      return await resend(
        journal,
        run,
        held,
        { selection, moved },
        choice,
        options,
        env,
        credentials!,
      );
    });
  } finally {
    await lock?.release();
    await journal.close();
  }
}

async function resend(
  journal: Journal,
  run: RunRecord,
  lock: RunLock,
  { selection, moved }: { selection: RetrySelection; moved: number },
  choice: RetryChoice,
  options: RetryOptions,
  env: CommandEnv,
  credentials: ReturnType<typeof readCredentials>,
): Promise<number> {
  const sending = await sendWithProgress({
    journal,
    runId: run.id,
    rows: selection.pendingRows(),
    pendingAgain: () => selection.pendingRows(),
    counts: await journal.counts(run.id),
    total: moved,
    options,
    credentials,
    env,
    label: "retrying",
    lock,
  });
  const retried = await selection.counts();
  const exitCode = sending.stop?.exitCode ?? exitCodeFor(retried, sending.held?.rows);
  const quiet =
    sending.held && options.quietHours
      ? quietHoursSummary(sending.held, options.quietHours.window.text)
      : null;
  const stoppedBy = sending.stop?.reason ?? (quiet && quietHoursNote(quiet));
  const summary = await summarise(
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
      `Retried ${moved} ${moved === 1 ? "row" : "rows"}: ${describeCounts(retried)}.\n`,
    );
  }
  if (sending.stop?.fatal) env.stderr.write(`twilio-bulk: ${stoppedBy}\n`);
  return exitCode;
}

/**
 * Lists what would be retried; reads only, so it takes no lock and changes nothing. Two passes,
 * neither holding the rows: one counts (the header comes first), one streams the list, waiting
 * for the output to drain. The journal may change between them when another process works on
 * the run; the list is then what the second pass found.
 */
async function dryRun(
  journal: Journal,
  run: RunRecord,
  options: RetryOptions,
  env: CommandEnv,
): Promise<number> {
  const tally = emptyTally();
  for await (const _ of selectRetryRows(journal, run.id, options.filter, tally)) {
    // Counting only.
  }
  const choice = describeChoice(tally);
  env.stderr.write(inDoubtWarning(tally.namedInDoubt, true));
  const write = (text: string) => writeText(env.stdout, text);
  if (options.json) {
    const head = { dryRun: true, run: runInfo(run), retry: choice };
    await write(`${JSON.stringify(head).slice(0, -1)},"rows":[`);
  } else {
    await write(renderRetryChoice(choice, label(run), colorsFor(env.stdout, env.env)));
    env.stderr.write(renderNamedWarnings(choice));
  }
  let listed = 0;
  for await (const action of selectRetryRows(journal, run.id, options.filter, emptyTally())) {
    // The reader has gone (`| head`): the rest of the list would be written nowhere.
    if (readerGone(env.stdout)) break;
    if (action.kind !== "retry") continue;
    if (options.json) await write(`${listed > 0 ? "," : ""}${JSON.stringify(action.row)}`);
    else await write(renderRetryRow(action.row));
    listed++;
  }
  if (options.json) await write("]}\n");
  else {
    await write(
      choice.selected === 0 ? "Nothing to retry.\n" : "Dry run: nothing was sent or changed.\n",
    );
  }
  return ExitCode.ok;
}

async function summarise(
  journal: Journal,
  run: RunRecord,
  choice: RetryChoice,
  extra: Partial<RunSummary> & Pick<RunSummary, "attempts" | "durationMs" | "exitCode">,
): Promise<RetrySummary> {
  return { ...(await summariseRun(journal, run.id, extra)), retry: choice };
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

/** Sending an in-doubt row again is the operator's call, and may reach the person twice. */
function inDoubtWarning(count: number, dryRun = false): string {
  if (count === 0) return "";
  return `twilio-bulk: warning: ${dryRun ? "would send" : "sending"} ${count} in-doubt ${count === 1 ? "row" : "rows"} again on purpose: Twilio may have sent ${count === 1 ? "it" : "them"} already, so a recipient may get a duplicate. Run \`twilio-bulk reconcile\` first where the API can be searched.\n`;
}

function label(run: RunRecord): string {
  return run.name ? `"${run.name}" (${run.id})` : String(run.id);
}
