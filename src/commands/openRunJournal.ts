import { existsSync } from "node:fs";
import { CliError, ExitCode, UsageError } from "../errors.js";
import { resolveJournalPath } from "../journal/defaultJournalPath.js";
import { Journal, type RunRecord } from "../journal/journal.js";
import { isPostgresUrl } from "../journal/postgresUrl.js";
import type { CommandEnv } from "./commandEnv.js";

/**
 * Opens an existing journal and finds the run a command is about: `--run` by id or name, else
 * the newest run. Commands that only read a run never create an empty journal by accident.
 * The caller closes the journal.
 */
export async function openRunJournal(
  flags: { journal?: string; run?: string },
  env: CommandEnv,
): Promise<{ journal: Journal; run: RunRecord }> {
  const { journal, path } = await openExistingJournal(flags.journal, env);
  try {
    return { journal, run: await findRun(journal, flags.run, path) };
  } catch (error) {
    await journal.close();
    throw error;
  }
}

/**
 * Opens the journal `--journal` (or TWILIO_BULK_JOURNAL, or the default) names, which must
 * exist: a command that reads or records into a run's journal never creates an empty one.
 */
export async function openExistingJournal(
  flag: string | undefined,
  env: CommandEnv,
): Promise<{ journal: Journal; path: string }> {
  const path = resolveJournalPath(flag, env.env, env.cwd);
  // A PostgreSQL journal is a database the operator made: reaching it is the check.
  if (!isPostgresUrl(path) && !existsSync(path)) {
    throw new CliError(
      `no journal at ${path}`,
      ExitCode.noInput,
      "Point --journal (or TWILIO_BULK_JOURNAL) at the journal your `send` used.",
    );
  }
  const journal = await Journal.open(path);
  return { journal, path: journal.path };
}

async function findRun(
  journal: Journal,
  wanted: string | undefined,
  path: string,
): Promise<RunRecord> {
  if (wanted === undefined) {
    const latest = await journal.latestRun();
    if (!latest) throw new CliError(`the journal ${path} holds no runs yet`, ExitCode.noInput);
    return latest;
  }
  if (wanted.trim() === "") throw new UsageError("`--run` must be a run's id or name, got ``");
  // A name wins over an id: `--run 42` names the run called "42" if there is one.
  const named = await journal.findRunByName(wanted);
  if (named) return named;
  const byId = /^\d+$/.test(wanted) ? await journal.getRun(Number(wanted)) : undefined;
  if (byId) return byId;
  throw new CliError(
    `no run ${/^\d+$/.test(wanted) ? "with id or name" : "named"} \`${wanted}\` in ${path}`,
    ExitCode.noInput,
    "`twilio-bulk runs` lists the runs of a journal.",
  );
}
