import { randomUUID } from "node:crypto";
import { type Stats, statSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CliError, InputError, interruption, UsageError } from "../errors.js";
import { hashFile } from "../input/hashFile.js";
import { type InputFormat, type InputOptions, openInput } from "../input/openInput.js";
import { type ClaimedRun, claimRun } from "../journal/claimRun.js";
import type { Journal, NewRun, RunRecord } from "../journal/journal.js";
import { type LockHolder, RunLockedError } from "../journal/lockMessages.js";
import type { LockOptions, RunLock } from "../journal/runLock.js";
import type { SqlQueries } from "../journal/sql/sqlClient.js";
import type { RowDefaults } from "../operations/buildRow.js";
import { type Plan, type PreflightOptions, preflight } from "./preflight.js";
import { describeChanges, runIdentity, type SendingOptions } from "./runIdentity.js";

export interface RunRequest {
  input: string;
  stdin: NodeJS.ReadableStream;
  cwd: string;
  format: InputFormat | undefined;
  sending: Omit<SendingOptions, "format">;
  defaults: RowDefaults;
  name: string | undefined;
  newRun: boolean;
  signal?: AbortSignal;
  /** How a CSV is read: a forced delimiter, and who is told the one in use. */
  csv?: Pick<InputOptions, "delimiter" | "onDelimiter">;
  /** Told each invalid or skipped row of a new run's pre-flight (see PreflightOptions). */
  onRejected?: PreflightOptions["onRejected"];
  /** Recorded with the run for `runs` and `report`; never credentials. */
  options: Record<string, unknown>;
  lock?: LockOptions;
  /**
   * Told once when this process, joining the run's other senders (`lock.shared`), waits for
   * the process that holds the run alone to finish its pre-flight.
   */
  onWaitForPreflight?: (holder: LockHolder) => void;
}

/** The run comes locked: release `lock` when done with it (see journal/runLock.ts). */
export type PreparedRun =
  | { kind: "finished"; run: RunRecord; lock: RunLock }
  | { kind: "ready"; run: RunRecord; plan: Plan | null; resumed: boolean; lock: RunLock };

/**
 * Finds the run this command continues, or creates one and pre-flights its input into the
 * journal. A run is its input's content plus the options that decide what is sent; `--run`
 * names one explicitly, and stdin can only be resumed that way. The run comes back locked
 * (exit 75 when another process holds it), the pre-flight of a new run included, so two cron
 * jobs started on the same list cannot both create and send it.
 */
export async function prepareRun(journal: Journal, req: RunRequest): Promise<PreparedRun> {
  const fromStdin = req.input === "-";
  if (!fromStdin) refuseStreams(resolve(req.cwd, req.input), req.input);
  const known = fromStdin ? undefined : await hashFile(req.input, req.cwd);
  const probe = openInput(
    { path: req.input, stdin: req.stdin, cwd: req.cwd },
    { ...(req.format ? { format: req.format } : {}), toColumn: req.sending.toColumn, ...req.csv },
  );
  const sending: SendingOptions = { format: probe.format, ...req.sending };

  const find = async (tx: SqlQueries): Promise<RunRecord | undefined> => {
    if (req.name !== undefined) {
      const named = await journal.findRunByName(req.name, tx);
      if (named && req.newRun) {
        throw new InputError(
          `a run named "${req.name}" already exists (run ${named.id})`,
          { file: req.input },
          "Choose another --run name for a new run, or drop --new-run to resume it.",
        );
      }
      return named;
    }
    if (known && !req.newRun) {
      const same = await journal.findLatestRunByIdentity(runIdentity(known.hash, sending), tx);
      if (same) return same;
      // The same file, edited (or other options typed) while its run was unfinished: a new
      // run would send every row again, to recipients the unfinished run already reached.
      const unfinished = await journal.findUnfinishedRunOf(
        [req.input, resolve(req.cwd, req.input)],
        tx,
      );
      if (unfinished) {
        const changes = differences(unfinished, sending, known.hash);
        throw new InputError(
          `run ${unfinished.name ?? unfinished.id} of this file is unfinished, and ${changes.join("; ")}`,
          { file: req.input },
          "Resume it with the file and options it started with; or send this version as a new run on purpose with --new-run (rows the unfinished run sent would be sent again); name runs with --run to keep them apart.",
        );
      }
    }
    return undefined;
  };
  const newRun: NewRun = {
    name: req.name ?? null,
    inputPath: fromStdin ? "-" : req.input,
    inputFormat: probe.format,
    options: { ...req.options, sending },
    identity: known ? runIdentity(known.hash, sending) : `pending:${randomUUID()}`,
  };
  // Found and locked, or created and locked, in one transaction: see claimRun.
  let claim = await claimJoining(journal, () => claimRun(journal, find, newRun, req.lock), req);
  while (!claim.created && claim.run.phase === "preparing") {
    // A run interrupted during pre-flight sent nothing: start it again from the top. We hold
    // its lock, so the process that was pre-flighting it is gone.
    await journal.deleteUnsentRun(claim.run.id);
    await claim.lock.release();
    claim = await claimJoining(journal, () => claimRun(journal, find, newRun, req.lock), req);
  }
  const { run, lock } = claim;
  try {
    if (!claim.created) {
      checkSameInput(run, sending, req, known?.hash);
      if (fromStdin) await verifyStdin(run, probe, req.input);
      if (run.phase === "finished") return { kind: "finished", run, lock };
      return { kind: "ready", run, plan: null, resumed: true, lock };
    }
    const plan = await preflight(journal, run.id, probe.records, {
      defaults: req.defaults,
      allowDuplicates: sending.allowDuplicates,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.onRejected ? { onRejected: req.onRejected } : {}),
    });
    const hash = probe.digest();
    // Stdin runs are only ever found by name; an unnamed one gets an identity nothing matches.
    const identity = fromStdin && !req.name ? `stdin:${randomUUID()}` : runIdentity(hash, sending);
    await journal.markRunReady(run.id, { hash, bytes: probe.bytesRead(), identity });
    return { kind: "ready", run: (await journal.getRun(run.id))!, plan, resumed: false, lock };
  } catch (error) {
    if (claim.created) await journal.deleteUnsentRun(run.id);
    await lock.release();
    throw error;
  }
}

/** How often a sender waiting to join a run looks again. */
const JOIN_POLL_MS = 250;

/**
 * Claims the run; joining its other senders, waits while the process that created it holds it
 * alone for the pre-flight and the confirmation (the run is preparing or ready, not yet
 * sending). A retry or reconcile holding it alone refuses the join with exit 75 at once.
 */
async function claimJoining(
  journal: Journal,
  claim: () => Promise<ClaimedRun>,
  req: RunRequest,
): Promise<ClaimedRun> {
  let told = false;
  for (;;) {
    try {
      return await claim();
    } catch (error) {
      if (!(req.lock?.shared && error instanceof RunLockedError) || error.holder.shared)
        throw error;
      const run = await journal.getRun(error.runId);
      // A ready run that has sent before is held alone only by a retry or reconcile: exit 75.
      const preflighting =
        run?.phase === "preparing" || (run?.phase === "ready" && run.startedAt === null);
      if (!preflighting) throw error;
      if (!told) req.onWaitForPreflight?.(error.holder);
      told = true;
      try {
        await sleep(JOIN_POLL_MS, undefined, req.signal ? { signal: req.signal } : {});
      } catch {
        const { exitCode, reason } = interruption(req.signal!);
        throw new CliError(
          `${reason} while waiting to join run ${error.runId}: nothing was sent`,
          exitCode,
        );
      }
    }
  }
}

function checkSameInput(
  run: RunRecord,
  sending: SendingOptions,
  req: RunRequest,
  hash: string | undefined,
): void {
  const changes = differences(run, sending, hash);
  if (changes.length > 0) {
    throw new InputError(
      `run ${run.name ?? run.id} cannot be resumed with this input: ${changes.join("; ")}`,
      { file: req.input },
      "Resume it with the same file and options, or start another run with another --run name.",
    );
  }
}

/** Stdin cannot be read twice: hash it as it streams and compare with the recorded run. */
async function verifyStdin(
  run: RunRecord,
  probe: ReturnType<typeof openInput>,
  input: string,
): Promise<void> {
  for await (const _ of probe.records) {
    // Only the digest is wanted; the rows are already in the journal.
  }
  const hash = probe.digest();
  if (run.inputHash !== null && hash !== run.inputHash) {
    throw new InputError(
      `run ${run.name ?? run.id} cannot be resumed with this input: the input's content changed (sha256 ${short(run.inputHash)}… was recorded, ${short(hash)}… now)`,
      { file: input },
      "Pipe the same list again, or start another run with another --run name.",
    );
  }
}

function short(hash: string): string {
  return hash.slice(0, 12);
}

/** What differs between a recorded run and this command's input and sending options. */
function differences(run: RunRecord, sending: SendingOptions, hash: string | undefined): string[] {
  const recorded = (run.options.sending ?? {}) as Partial<SendingOptions>;
  const changes = describeChanges(recorded, sending);
  if (hash !== undefined && run.inputHash !== null && hash !== run.inputHash) {
    changes.unshift(
      `the input's content changed (sha256 ${short(run.inputHash)}… was recorded, ${short(hash)}… now)`,
    );
  }
  return changes;
}

/**
 * A named pipe or a process substitution (`<(…)`) can be read only once, and a file input is
 * read twice (hashed to find its run, then parsed): send it on standard input instead.
 */
function refuseStreams(path: string, input: string): void {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    return; // Missing or unreadable: hashFile says so in the readers' words.
  }
  if (stats.isFile() || stats.isDirectory()) return;
  throw new UsageError(
    `${input} is a pipe or a device, which can be read only once; twilio-bulk reads a file twice (to find its run, then to send it)`,
    "Pipe it to standard input instead: `… | twilio-bulk send - --format csv --run NAME` (the name makes it resumable).",
  );
}
