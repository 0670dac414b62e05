import { existsSync } from "node:fs";
import { ExitCode } from "../errors.js";
import { resolveJournalPath } from "../journal/defaultJournalPath.js";
import { Journal } from "../journal/journal.js";
import { isPostgresUrl } from "../journal/postgresUrl.js";
import { runWorkers } from "../journal/runWorkers.js";
import { colorsFor } from "../ui/colors.js";
import { type RunListing, renderRuns } from "../ui/renderRuns.js";
import { runInfo } from "../ui/runSummary.js";
import type { CommandEnv } from "./commandEnv.js";

export interface RunsOptions {
  journal?: string;
  json?: boolean;
}

/** `twilio-bulk runs`: every run in the journal with its row counts, oldest first. */
export async function runs(options: RunsOptions, env: CommandEnv): Promise<number> {
  const path = resolveJournalPath(options.journal, env.env, env.cwd);
  // Listing never creates a journal: an empty one at a mistyped path would only mislead.
  if (!isPostgresUrl(path) && !existsSync(path)) {
    if (options.json) env.stdout.write("[]\n");
    else env.stdout.write(`No runs yet: there is no journal at ${path}.\n`);
    return ExitCode.ok;
  }
  const journal = await Journal.open(path);
  try {
    const listed: RunListing[] = [];
    for (const run of await journal.listRuns()) {
      listed.push({
        ...runInfo(run),
        totalRows: run.totalRows,
        counts: await journal.counts(run.id),
        workers: (await runWorkers(journal, run.id)).map((w) => ({
          host: w.host,
          pid: w.pid,
          since: new Date(w.since).toISOString(),
          heartbeatAt: w.heartbeatAt === null ? null : new Date(w.heartbeatAt).toISOString(),
          rowsDone: w.rowsDone,
        })),
      });
    }
    if (options.json) env.stdout.write(`${JSON.stringify(listed)}\n`);
    else if (listed.length === 0) env.stdout.write(`No runs yet in ${journal.path}.\n`);
    else env.stdout.write(renderRuns(listed, colorsFor(env.stdout, env.env), Date.now()));
    return ExitCode.ok;
  } finally {
    await journal.close();
  }
}
