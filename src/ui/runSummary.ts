import type { StateCounts } from "../core/rowState.js";
import type { RunRecord } from "../journal/journal.js";
import type { Plan } from "../pipeline/preflight.js";
import type { QuietHoursSummary } from "./quietHoursNote.js";

/** The `--json` summary of send and retry; the table below renders the same object. */
export interface RunSummary {
  run: {
    id: number;
    name: string | null;
    input: string;
    phase: string;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
  };
  counts: StateCounts;
  plan: Plan | null;
  attempts: number;
  durationMs: number;
  /** Attempts per second over this command's sending time. */
  rate: number;
  exitCode: number;
  /** What stopped the run early, if anything. */
  stoppedBy: string | null;
  /** The command that carries on, when rows are left pending. */
  resume: string | null;
  /** Present when rows were held for quiet hours: how many, and when to run again. */
  quietHours?: QuietHoursSummary;
}

export function runInfo(run: RunRecord): RunSummary["run"] {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: run.id,
    name: run.name,
    input: run.inputPath,
    phase: run.phase,
    createdAt: new Date(run.createdAt).toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
  };
}
