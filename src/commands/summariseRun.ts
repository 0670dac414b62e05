import type { Journal } from "../journal/journal.js";
import { type RunSummary, runInfo } from "../ui/runSummary.js";

/** The `--json` summary of a command that sent (or looked up) on a run, read from the journal. */
export async function summariseRun(
  journal: Journal,
  runId: number,
  extra: Partial<RunSummary> & Pick<RunSummary, "attempts" | "durationMs" | "exitCode">,
): Promise<RunSummary> {
  return {
    run: runInfo((await journal.getRun(runId))!),
    counts: await journal.counts(runId),
    plan: null,
    rate: extra.durationMs > 0 ? (extra.attempts * 1000) / extra.durationMs : 0,
    stoppedBy: null,
    resume: null,
    ...extra,
  };
}
