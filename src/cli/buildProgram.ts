import { Command } from "commander";
import type { CommandEnv } from "../commands/commandEnv.js";
import {
  apiOptions,
  apiUrlOption,
  journalOption,
  profileOption,
  quietHoursOptions,
  rateWording,
  reconcileHelp,
  SEND_WORDING,
  scheduleOptions,
  selectionOptions,
} from "./commandOptions.js";
import { invocation, restArgs } from "./invocation.js";
import { addSuppressCommand } from "./suppressCommand.js";
import { addToolCommands } from "./toolCommands.js";

const VERSION = "0.1.0";

/** Sets the exit code of the command that ran: commander's actions return nothing. */
export type SetExit = (code: number) => void;

/**
 * The command table. Commands are imported lazily so `--help` stays fast and only commands
 * that talk to Twilio pay for loading its client.
 */
export function buildProgram(
  env: CommandEnv,
  setExit: SetExit,
  apis?: typeof import("../operations/registry.js"),
): Command {
  const program = new Command("twilio-bulk")
    .description("Send Twilio messages in bulk from CSV or JSON, metered, journaled and resumable.")
    .version(VERSION)
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (s) => env.stdout.write(s),
      writeErr: (s) => env.stderr.write(s),
    });

  const sendWording = apis ? { ...SEND_WORDING, rate: rateWording(apis) } : SEND_WORDING;
  const send = scheduleOptions(
    program
      .command("send")
      .description("pre-flight a list, then send every valid row at the given rate")
      .argument("<file>", "CSV, JSON or NDJSON file; - reads standard input")
      .option("--format <format>", "csv, json or ndjson (default: from the file's extension)")
      .option("--to-column <name>", "the column holding the recipient", "to")
      .option(
        "--delimiter <char>",
        "CSV field delimiter: , ; or \\t (default: told from the header)",
      )
      .option("--body <template>", "message text; {{column}} is replaced by the row's value")
      .option("--from <number>", "sender for rows without a from column")
      .option("--messaging-service-sid <sid>", "Messaging Service for rows without a from column")
      .option("--default-country <code>", "ISO country for numbers written without +country code")
      .option("--allow-duplicates", "send rows with the same To and body more than once")
      .option(
        "--status-callback-url <url>",
        "messages and calls: where Twilio reports status (see `listen`) for rows without a status_callback column (Verify and Studio take none)",
      )
      .option("--run <name>", "name the run (resume it by name; required to resume stdin)")
      .option("--new-run", "start a new run even if this list was sent before")
      .option("--dry-run", "pre-flight and print the plan and the rows left out; send nothing")
      .option(
        "--rows-out <file>",
        "write every invalid and skipped row (line,to,state,reason,hint) to this CSV, readable by you only",
      )
      .option("--yes", "send without asking for confirmation on a terminal")
      .option(
        "--price-per-segment <price>",
        "estimate the cost at this price per segment (default on a terminal: Twilio's Pricing API)",
      )
      .option(
        "--json",
        "print the summary as JSON on stdout (a dry run's: the plan and every row left out)",
      ),
    sendWording,
  );
  if (apis) apiOptions(send, apis);
  send.action(
    async (file: string, raw: Record<string, string | boolean | undefined>, cmd: Command) => {
      const [{ send }, { parseSendOptions }] = await Promise.all([
        import("../commands/send.js"),
        import("../commands/sendOptions.js"),
      ]);
      const options = parseSendOptions(
        file,
        raw,
        env.env,
        invocation(["send", ...restArgs(file, raw, cmd)]),
      );
      setExit(await send(options, env));
    },
  );

  const reconcileCommand = scheduleOptions(
    program
      .command("reconcile")
      .description(
        "settle in-doubt rows by finding them in Twilio's lists: found → sent, not found → pending",
      )
      .option("--run <id|name>", "the run (default: the newest)")
      .option(
        "--grace <duration>",
        "a row not found goes back to pending only if attempted longer ago than this (10m, 90s, 1h)",
        "10m",
      )
      .option("--json", "print the summary as JSON on stdout"),
    {
      rate: "list lookups started per second, one per recipient in doubt (decimals allowed)",
      maxAttempts: "lookups per recipient when Twilio answers 429 or 5xx or the connection fails",
      timeout:
        "per-request timeout; also the least time a send's request is taken to have lasted (longer when the journal recorded a later end): nothing created later is a row's",
    },
  );
  if (apis) reconcileCommand.addHelpText("after", reconcileHelp(apis));
  reconcileCommand.action(async (raw: Record<string, string | boolean | undefined>) => {
    const [{ reconcile }, { parseReconcileOptions }] = await Promise.all([
      import("../commands/reconcile.js"),
      import("../commands/reconcileOptions.js"),
    ]);
    setExit(await reconcile(parseReconcileOptions(raw, env.env), env));
  });

  program
    .command("runs")
    .description("list the runs in the journal with their row counts")
    .addOption(journalOption())
    .option("--json", "print the runs as JSON on stdout")
    .action(async (raw: { journal?: string; json?: boolean }) => {
      const { runs } = await import("../commands/runs.js");
      setExit(await runs(raw, env));
    });

  scheduleOptions(
    selectionOptions(
      program
        .command("retry")
        .description("send again the rows of a run selected by HTTP status, error code or state")
        .option("--run <id|name>", "the run (default: the newest)"),
      "failed, pending, or in_doubt (on purpose: may duplicate)",
    )
      .option("--dry-run", "list the rows that would be retried; send nothing")
      .option("--json", "print the summary as JSON on stdout"),
    sendWording,
  ).action(async (raw: Record<string, string | string[] | boolean | undefined>) => {
    const [{ retry }, { parseRetryOptions }] = await Promise.all([
      import("../commands/retry.js"),
      import("../commands/retryOptions.js"),
    ]);
    setExit(await retry(parseRetryOptions(raw, env.env), env));
  });

  selectionOptions(
    program
      .command("report")
      .description("what became of a run: counts, errors with what to do, or the rows themselves")
      .option("--run <id|name>", "the run (default: the newest)")
      .addOption(journalOption())
      .option("--format <format>", "table, json or csv", "table")
      .option("--out <file>", "write to this file (created readable by you only)")
      .option("--rows", "list rows (original columns plus their outcome) instead of the summary"),
    "any state (implies --rows)",
  ).action(async (raw: Record<string, string | string[] | boolean | undefined>) => {
    const [{ report }, { parseReportOptions }] = await Promise.all([
      import("../commands/report.js"),
      import("../commands/reportOptions.js"),
    ]);
    setExit(await report(parseReportOptions(raw), env));
  });

  program
    .command("status")
    .description("fetch the delivery status of a run's sent messages that are not final yet")
    .option("--run <id|name>", "the run (default: the newest)")
    .option("--rate <n>", "message fetches started per second (decimals allowed)", "10")
    .option("--burst <n>", "starts allowed back to back after an idle spell", "1")
    .option("--concurrency <n>", "requests in flight at most (default: the rate, at most 100)")
    .option(
      "--max-attempts <n>",
      "fetches per message when Twilio answers 429 or 5xx or the connection fails",
      "3",
    )
    .option("--timeout <seconds>", "per-request timeout", "30")
    .addOption(apiUrlOption())
    .addOption(journalOption())
    .addOption(profileOption())
    .option("--json", "print the summary as JSON on stdout")
    .action(async (raw: Record<string, string | boolean | undefined>) => {
      const [{ status }, { parseScheduleOptions }] = await Promise.all([
        import("../commands/status.js"),
        import("../commands/sendOptions.js"),
      ]);
      const options = {
        ...parseScheduleOptions(raw, env.env),
        run: raw.run as string | undefined,
        journal: raw.journal as string | undefined,
        json: raw.json === true,
      };
      setExit(await status(options, env));
    });

  addSuppressCommand(program, env, setExit);
  addToolCommands(program, env, setExit);

  for (const command of program.commands) {
    if (command.name() === "send" || command.name() === "retry") quietHoursOptions(command);
  }
  return program;
}
