import { isFinalDelivery } from "../core/decideDelivery.js";
import { ExitCode, interruption } from "../errors.js";
import type { RunRecord } from "../journal/journal.js";
import { deliveryCounts } from "../journal/reportQueries.js";
import { type CheckDeliveryResult, checkDelivery } from "../pipeline/checkDelivery.js";
import { readCredentials } from "../twilio/readCredentials.js";
import { createProgressReporter } from "../ui/progressReporter.js";
import { type RunSummary, runInfo } from "../ui/runSummary.js";
import type { CommandEnv } from "./commandEnv.js";
import { openMessenger } from "./openMessenger.js";
import { openRunJournal } from "./openRunJournal.js";
import type { ScheduleOptions } from "./sendOptions.js";

export interface StatusOptions extends ScheduleOptions {
  run: string | undefined;
  journal: string | undefined;
  json: boolean;
}

/** `status --json`. */
export interface StatusSummary extends Omit<CheckDeliveryResult, "stopped" | "interrupted"> {
  run: RunSummary["run"];
  /** Every sent row of the run by its message's last known status, after this check. */
  delivery: Record<string, number>;
  exitCode: number;
}

/**
 * `twilio-bulk status`: fetches the current status of every sent message of a run that is not
 * final yet, and records it (numbers that turn out to be landlines are suppressed). Safe to
 * run from cron: final messages are never fetched again. Exits 0 when every message could be
 * checked, whatever became of it (`report` shows that), and when Twilio refuses to look some
 * up (404, another 4xx: asking again gets the same answer, so cron would never stop); 75 when
 * some could not be checked this time (rate limit, network, 5xx: run it again later); 77 when
 * Twilio refuses the credentials.
 */
export async function status(options: StatusOptions, env: CommandEnv): Promise<number> {
  const credentials = readCredentials(env.env, options.profile);
  const { journal, run } = await openRunJournal(options, env);
  try {
    const pending = Object.entries(await deliveryCounts(journal, run.id))
      .filter(([state]) => !isFinalDelivery(state))
      .reduce((sum, [, count]) => sum + count, 0);
    const runCounts = await journal.counts(run.id);
    const messenger = await openMessenger(credentials, options);
    const progress = createProgressReporter({
      stream: env.stderr,
      clock: env.clock,
      label: "checking",
    });
    let result: CheckDeliveryResult;
    try {
      let done = 0;
      progress.start(pending);
      result = await checkDelivery({
        journal,
        runId: run.id,
        messenger,
        schedule: options,
        maxAttempts: options.maxAttempts,
        clock: env.clock,
        signal: env.signal,
        inFlight: env.inFlight,
        onChecked: () => progress.update(runCounts, ++done),
      });
    } finally {
      progress.stop();
      messenger.close();
    }
    const exitCode = exitCodeOf(result, env);
    const { stopped: _stopped, interrupted: _interrupted, ...counts } = result;
    const summary: StatusSummary = {
      run: runInfo(run),
      ...counts,
      delivery: await deliveryCounts(journal, run.id),
      exitCode,
    };
    if (options.json) env.stdout.write(`${JSON.stringify(summary)}\n`);
    else env.stdout.write(renderStatus(summary, run));
    if (result.stopped) env.stderr.write(`twilio-bulk: ${result.stopped.message}\n`);
    return exitCode;
  } finally {
    await journal.close();
  }
}

function exitCodeOf(result: CheckDeliveryResult, env: CommandEnv): number {
  if (result.stopped) return result.stopped.exitCode;
  if (result.interrupted) {
    return interruption(env.signal).exitCode;
  }
  return result.unchecked > 0 ? ExitCode.tempFail : ExitCode.ok;
}

function renderStatus(summary: StatusSummary, run: RunRecord): string {
  const label = run.name ? `"${run.name}" (${run.id})` : String(run.id);
  const list = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([state, count]) => `${count} ${state}`)
      .join(", ");
  const lines =
    summary.checked === 0 &&
    summary.unchecked === 0 &&
    summary.notFound === 0 &&
    summary.refused === 0
      ? [`Run ${label}: nothing to check; every sent message has a final status.`]
      : [
          `Run ${label}: checked ${summary.checked} messages${summary.checked > 0 ? `: ${list(summary.statuses)}` : ""}.`,
        ];
  if (summary.suppressed > 0) {
    lines.push(
      `${summary.suppressed} numbers were put on the suppression list (landline or opted out).`,
    );
  }
  if (summary.notFound > 0) {
    lines.push(
      `${summary.notFound} messages are unknown to Twilio (deleted, or sent from another account).`,
    );
  }
  if (summary.refused > 0) {
    lines.push(
      `${summary.refused} messages could not be looked up: Twilio refused the request (a 4xx other than 404); asking again will not help.`,
    );
  }
  if (summary.unchecked > 0) {
    lines.push(
      `${summary.unchecked} messages could not be checked this time; run the command again later.`,
    );
  }
  lines.push(`Delivery of run ${label}: ${list(summary.delivery) || "nothing sent"}.`);
  return `${lines.join("\n")}\n`;
}
