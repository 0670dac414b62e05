import { Command, CommanderError, Option } from "commander";
import { type CommandEnv, processEnv } from "./commands/commandEnv.js";
import { shellQuote } from "./core/shellQuote.js";
import { CliError, ExitCode } from "./errors.js";
import { isPostgresUrl, parsePostgresUrl } from "./journal/postgresUrl.js";
import type { InFlight } from "./pipeline/dispatch.js";

const VERSION = "0.1.0";

/**
 * The command table and the one error boundary: the only place that reads argv, handles
 * signals and decides the exit code. Commands are imported lazily so `--help` stays fast and
 * only commands that talk to Twilio pay for loading its client.
 */
export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const inFlight = { count: 0 };
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      // The journal protocol already covers whatever is in flight: leave at once.
      process.exit(signal === "SIGTERM" ? ExitCode.terminated : ExitCode.interrupted);
    }
    process.stderr.write(`\n${signal}: ${stopping(inFlight)} (send it again to stop at once).\n`);
    controller.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // Only a command that sends has anything to say when its reader leaves: the others end as
  // quietly as `cat file | head`, with their own exit code.
  const onStdoutError = onBrokenPipe(
    process.stdout,
    controller,
    sends(argv) ? { stream: process.stderr, inFlight } : undefined,
  );
  const onStderrError = onBrokenPipe(process.stderr, controller);
  process.stdout.on("error", onStdoutError);
  process.stderr.on("error", onStderrError);
  const env = processEnv(controller.signal, inFlight);
  try {
    return await run(argv, env);
  } catch (error) {
    return reportError(error, env);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    // Left attached: a late write to a closed pipe must stay silent until the process exits.
  }
}

/**
 * What a stop waits for, from the live count every dispatch keeps: argv cannot tell (`send
 * --help`, a finished list, a retry with nothing to retry have nothing in flight).
 */
function stopping(inFlight: InFlight): string {
  return inFlight.count > 0 ? "finishing the requests in flight, then stopping" : "stopping";
}

/**
 * The commands that may send Twilio requests (a dry run and `--help` send none): the ones whose
 * early end on a closed pipe deserves a word. Read from argv before parsing, because a closed
 * pipe can come at any time.
 */
function sends(argv: readonly string[]): boolean {
  const command = argv.find((arg) => !arg.startsWith("-"));
  const sending = ["send", "retry", "status", "reconcile", "demo"];
  return (
    command !== undefined &&
    sending.includes(command) &&
    !argv.some((arg) => arg === "--dry-run" || arg === "--help" || arg === "-h")
  );
}

/**
 * `twilio-bulk send … | head` closes our stdout early. Node ignores SIGPIPE, so the write fails
 * with EPIPE; unhandled, that would kill the run with a stack trace between a request and its
 * journal entry. Instead the stream's writes become no-ops and the run stops as on a first
 * SIGINT (reason "SIGPIPE"): nothing new starts, what is in flight is journaled. The exit code
 * stays the command's: 130 (interrupted) when the stop left rows pending, and what the run
 * earned when the pipe closed only after the work was done (the summary is then all that was
 * lost). A command that only writes (report, runs, a dry run) stops writing (see
 * report/writeText.ts) and exits with its own code, printing nothing more.
 */
function onBrokenPipe(
  stream: NodeJS.WriteStream,
  controller: AbortController,
  notify?: { stream: NodeJS.WriteStream; inFlight: InFlight },
): (error: NodeJS.ErrnoException) => void {
  return (error) => {
    if (error.code !== "EPIPE") throw error;
    stream.write = ((_chunk: unknown, encoding?: unknown, done?: unknown) => {
      const callback = typeof encoding === "function" ? encoding : done;
      if (typeof callback === "function") queueMicrotask(() => callback());
      return true;
    }) as typeof stream.write;
    if (controller.signal.aborted) return;
    notify?.stream.write(`\nSIGPIPE: standard output was closed; ${stopping(notify.inFlight)}.\n`);
    controller.abort("SIGPIPE");
  };
}

const OPERATION_COMMANDS = new Set(["send", "retry", "reconcile"]);

export async function run(argv: string[], env: CommandEnv): Promise<number> {
  let exitCode: number = ExitCode.ok;
  // The APIs' flags and notes come from their operations, which load the phone-number metadata
  // (~90 ms): only the commands that run operations pay for it (they load them anyway).
  const apis = OPERATION_COMMANDS.has(argv[0] ?? "")
    ? await import("./operations/registry.js")
    : undefined;
  const program = buildProgram(
    env,
    (code) => {
      exitCode = code;
    },
    apis,
  );
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") {
        return ExitCode.ok;
      }
      if (error.code === "commander.help") return ExitCode.ok;
      // Commander has printed what was wrong; add where to look.
      env.stderr.write("Run `twilio-bulk --help` (or `twilio-bulk <command> --help`) for usage.\n");
      return ExitCode.usage;
    }
    throw error;
  }
  return exitCode;
}

/** The command as typed, to print as the one to run again: a journal URL loses its password. */
function invocation(args: readonly string[]): string {
  const shown = args.map((arg, i) => {
    const flag = args[i - 1] === "--journal";
    const inline = arg.startsWith("--journal=");
    const value = inline ? arg.slice("--journal=".length) : arg;
    if (!(flag || inline) || !isPostgresUrl(value)) return arg;
    const url = parsePostgresUrl(value).shown;
    return inline ? `--journal=${url}` : url;
  });
  return ["twilio-bulk", ...shown.map(shellQuote)].join(" ");
}

/** What --rate and --max-attempts govern: every API's requests unless a command says otherwise. */
const SEND_WORDING = {
  rate: "requests started per second (decimals allowed)",
  maxAttempts:
    "attempts per row for answers that are safe to retry (429, a refused connection), per command",
};

function scheduleOptions(
  command: Command,
  wording: typeof SEND_WORDING & { timeout?: string } = SEND_WORDING,
): Command {
  return command
    .option("--rate <mps>", wording.rate, "1")
    .option("--burst <n>", "starts allowed back to back after an idle spell", "1")
    .option(
      "--concurrency <n>",
      "requests in flight at most (default: enough for the rate at 1 s latency, at most 100)",
    )
    .option("--max-attempts <n>", wording.maxAttempts, "3")
    .option("--timeout <seconds>", wording.timeout ?? "per-request timeout", "30")
    .addOption(
      new Option("--api-url <url>", "send requests to this origin instead of Twilio's").env(
        "TWILIO_BULK_API_URL",
      ),
    )
    .addOption(new Option("--journal <path>", "the journal file").env("TWILIO_BULK_JOURNAL"))
    .addOption(profileOption())
    .option(
      "--break-lock",
      "take the run over from whatever process holds it (if that one still runs, rows could be sent twice)",
    );
}

/** `--quiet-hours` and `--timezone`: shared by send and retry. */
function quietHoursOptions(command: Command): Command {
  return command
    .option(
      "--quiet-hours <HH:MM-HH:MM>",
      "hold rows whose recipient's local time is in this window (exits 4 with them pending)",
    )
    .option(
      "--timezone <zone>",
      "IANA zone of rows without a timezone column, e.g. America/New_York (needs --quiet-hours)",
    )
    .option(
      "--wait-quiet-hours",
      "sleep until the window ends and send the held rows, instead of exiting 4",
    );
}

/** For every command that talks to Twilio. */
function profileOption(): Option {
  return new Option(
    "--profile <name>",
    "credentials of this twilio-cli profile (~/.twilio-cli/config.json, or $TWILIO_CONFIG_DIR)",
  );
}

function buildProgram(
  env: CommandEnv,
  setExit: (code: number) => void,
  apis?: typeof import("./operations/registry.js"),
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
        import("./commands/send.js"),
        import("./commands/sendOptions.js"),
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
      import("./commands/reconcile.js"),
      import("./commands/reconcileOptions.js"),
    ]);
    setExit(await reconcile(parseReconcileOptions(raw, env.env), env));
  });

  program
    .command("runs")
    .description("list the runs in the journal with their row counts")
    .addOption(new Option("--journal <path>", "the journal file").env("TWILIO_BULK_JOURNAL"))
    .option("--json", "print the runs as JSON on stdout")
    .action(async (raw: { journal?: string; json?: boolean }) => {
      const { runs } = await import("./commands/runs.js");
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
      import("./commands/retry.js"),
      import("./commands/retryOptions.js"),
    ]);
    setExit(await retry(parseRetryOptions(raw, env.env), env));
  });

  selectionOptions(
    program
      .command("report")
      .description("what became of a run: counts, errors with what to do, or the rows themselves")
      .option("--run <id|name>", "the run (default: the newest)")
      .addOption(new Option("--journal <path>", "the journal file").env("TWILIO_BULK_JOURNAL"))
      .option("--format <format>", "table, json or csv", "table")
      .option("--out <file>", "write to this file (created readable by you only)")
      .option("--rows", "list rows (original columns plus their outcome) instead of the summary"),
    "any state (implies --rows)",
  ).action(async (raw: Record<string, string | string[] | boolean | undefined>) => {
    const [{ report }, { parseReportOptions }] = await Promise.all([
      import("./commands/report.js"),
      import("./commands/reportOptions.js"),
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
    .addOption(
      new Option("--api-url <url>", "send requests to this origin instead of Twilio's").env(
        "TWILIO_BULK_API_URL",
      ),
    )
    .addOption(new Option("--journal <path>", "the journal file").env("TWILIO_BULK_JOURNAL"))
    .addOption(profileOption())
    .option("--json", "print the summary as JSON on stdout")
    .action(async (raw: Record<string, string | boolean | undefined>) => {
      const [{ status }, { parseScheduleOptions }] = await Promise.all([
        import("./commands/status.js"),
        import("./commands/sendOptions.js"),
      ]);
      const options = {
        ...parseScheduleOptions(raw, env.env),
        run: raw.run as string | undefined,
        journal: raw.journal as string | undefined,
        json: raw.json === true,
      };
      setExit(await status(options, env));
    });

  const suppress = program
    .command("suppress")
    .description("the numbers never to text again: list, add, remove, import");
  const journalOption = () =>
    new Option("--journal <path>", "the journal file").env("TWILIO_BULK_JOURNAL");
  const countryOption = () =>
    new Option("--default-country <code>", "ISO country for numbers written without +country");
  suppress
    .command("list")
    .description("list the suppressed numbers with why and since when")
    .addOption(journalOption())
    .option("--json", "print the list as JSON on stdout")
    .action(async (raw: { journal?: string; json?: boolean }) => {
      const { suppressList } = await import("./commands/suppress.js");
      setExit(await suppressList(raw, env));
    });
  suppress
    .command("add")
    .description("suppress numbers")
    .argument("<number...>", "phone numbers")
    .addOption(journalOption())
    .addOption(countryOption())
    .option("--reason <text>", "why (shown when a row is skipped)")
    .action(async (numbers: string[], raw: Record<string, string | undefined>) => {
      const { suppressAdd } = await import("./commands/suppress.js");
      setExit(await suppressAdd(numbers, raw, env));
    });
  suppress
    .command("remove")
    .description("take numbers off the list: later runs may text them again")
    .argument("<number...>", "phone numbers")
    .addOption(journalOption())
    .addOption(countryOption())
    .action(async (numbers: string[], raw: Record<string, string | undefined>) => {
      const { suppressRemove } = await import("./commands/suppress.js");
      setExit(await suppressRemove(numbers, raw, env));
    });
  suppress
    .command("import")
    .description("suppress every number of a file: one a line, or a CSV with a to or number column")
    .argument("<file>", "the file; - reads standard input")
    .addOption(journalOption())
    .addOption(countryOption())
    .option("--reason <text>", "why (default: imported from <file>)")
    .option("--delimiter <char>", "CSV field delimiter: , ; or \\t (default: told from the header)")
    .action(async (file: string, raw: Record<string, string | undefined>) => {
      const { suppressImport } = await import("./commands/suppress.js");
      setExit(await suppressImport(file, raw, env));
    });

  program
    .command("simulate")
    .description("run a Twilio-compatible server on 127.0.0.1 for demos, rehearsals and tests")
    .option("--port <port>", "port to listen on (0 picks a free one)", "0")
    .option("--mps <n>", "creates per second it accepts before answering 429")
    .option("--concurrency <n>", "requests in progress it accepts before answering 429")
    .option("--latency <ms>", "delay before each answer", "0")
    .option("--jitter <ms>", "random extra delay, 0 to this", "0")
    .option("--error-rate <share>", "share of creates answered 500 (half of them created anyway)")
    .option(
      "--reset-rate <share>",
      "share of creates whose connection is reset before anything happens",
    )
    .option("--drop-rate <share>", "share of creates accepted, then dropped without an answer")
    .option("--retry-after <seconds>", "send Retry-After with 429s")
    .option("--seed <n>", "seed for the random faults", "1")
    .option("--duration <seconds>", "stop by itself after this long")
    .action(async (raw: Record<string, string | undefined>) => {
      const { simulate } = await import("./commands/simulate.js");
      setExit(await simulate(raw, env));
    });

  program
    .command("listen")
    .description(
      "record Twilio's signed status callbacks in the journal as they arrive; needs TWILIO_AUTH_TOKEN (Twilio signs with it even for messages sent with an API key)",
    )
    .requiredOption("--port <port>", "port to listen on (0 picks a free one)")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option(
      "--public-url <url>",
      "the URL Twilio calls for this listener's root, when a tunnel or proxy is in front of it (Twilio signs that URL)",
    )
    .addOption(new Option("--journal <path>", "the journal file").env("TWILIO_BULK_JOURNAL"))
    .action(async (raw: Record<string, string | undefined>) => {
      const { listen, parseListenOptions } = await import("./commands/listen.js");
      setExit(await listen(parseListenOptions(raw), env));
    });

  program
    .command("generate")
    .description("write a rehearsal list of Twilio's magic test numbers, ready for `send`")
    .requiredOption("--rows <n>", "how many rows")
    .option("--format <format>", "csv, json or ndjson (default: from --out's extension, else csv)")
    .option("--out <file>", "write to this file instead of standard output")
    .option("--seed <n>", "the same seed gives the same list", "1")
    .option(
      "--mix <weights>",
      "kinds and weights: normal, valid, invalid, no_route, region, opted_out, landline (default: normal=80,valid=10, 2 each of the rest)",
    )
    .option("--from <number>", "the from column", "+15005550006")
    .action(async (raw: Record<string, string | undefined>) => {
      const { generate, parseGenerateOptions } = await import("./commands/generate.js");
      setExit(await generate(parseGenerateOptions(raw), env));
    });

  program
    .command("demo")
    .description("send fixtures/demo.csv through the built-in simulator (no account needed)")
    .option("--rate <mps>", "messages per second", "10")
    .option("--journal <path>", "keep the demo's journal here (default: a temporary file)")
    .action(async (raw: { rate?: string; journal?: string }) => {
      const { demo } = await import("./commands/demo.js");
      setExit(await demo(raw, env));
    });

  for (const command of program.commands) {
    if (command.name() === "send" || command.name() === "retry") quietHoursOptions(command);
  }
  return program;
}

/** `--api`, each API's own defaults and the list of APIs, from the operations' registry. */
function apiOptions(command: Command, apis: typeof import("./operations/registry.js")): void {
  command
    .option(
      "--api <api>",
      `the API of rows without an api column: ${apis.API_NAMES.join(", ")}`,
      apis.DEFAULT_API,
    )
    .option(
      "--suppress-landlines",
      "lookup: suppress numbers a lookup finds to be landlines or invalid (asks every lookup for line_type_intelligence too)",
    );
  for (const flag of apis.operationFlags()) command.option(flag.flag, flag.description);
  const lines = Object.values(apis.OPERATIONS).map(
    (op) =>
      `  ${op.name.padEnd(9)} ${op.summary}${op.rate ? `\n            rate: ${op.rate.note}` : ""}`,
  );
  command.addHelpText("after", `\nAPIs (--api, or an api column per row):\n${lines.join("\n")}\n`);
}

/** `--rate` for commands that send rows: one rate for every API, with Twilio's own limits. */
function rateWording(apis: typeof import("./operations/registry.js")): string {
  const limits = Object.values(apis.OPERATIONS).flatMap((op) =>
    op.rate?.max !== undefined ? [`${op.name} ${op.rate.max}/s`] : [],
  );
  const note = limits.length > 0 ? `; Twilio's own limits: ${limits.join(", ")} by default` : "";
  return `requests started per second, whatever their API (decimals allowed)${note}`;
}

/** Which APIs reconcile can search, and why not the others: from the operations. */
function reconcileHelp(apis: typeof import("./operations/registry.js")): string {
  const ops = Object.values(apis.OPERATIONS).filter((op) => op.safety === "create");
  const searched = ops.filter((op) => op.reconcile.kind !== "unsupported").map((op) => op.name);
  const lines = [`\nAPIs it searches: ${searched.join(", ")}.`];
  for (const op of ops) {
    if (op.reconcile.kind === "unsupported") lines.push(`  ${op.name}: ${op.reconcile.reason}.`);
  }
  return `${lines.join("\n")}\n`;
}

/** `--state`, `--status`, `--code`: repeatable, comma-separated; shared by retry and report. */
function selectionOptions(command: Command, states: string): Command {
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  return command
    .option("--status <statuses>", "rows whose last answer had this HTTP status, e.g. 429", collect)
    .option("--code <codes>", "rows with this Twilio error code, e.g. 20429,30001", collect)
    .option("--state <states>", `rows in this state: ${states}`, collect);
}

/** The command line as given, rebuilt from commander's parse so it can be printed to resume. */
function restArgs(
  file: string,
  raw: Record<string, string | boolean | undefined>,
  cmd: Command,
): string[] {
  const args = [file];
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === false) continue;
    // Defaults and environment values apply again by themselves; repeat only what was typed.
    if (cmd.getOptionValueSource(key) !== "cli") continue;
    // A broken lock is broken once: the resumed command waits for a live holder again.
    if (
      key === "json" ||
      key === "dryRun" ||
      key === "newRun" ||
      key === "yes" ||
      key === "rowsOut" ||
      key === "breakLock"
    )
      continue;
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (value === true) args.push(flag);
    else args.push(flag, value);
  }
  return args;
}

/** Exported so in-process tests end a command exactly as the process would. */
export function reportError(error: unknown, env: CommandEnv): number {
  if (error instanceof CliError) {
    env.stderr.write(`twilio-bulk: ${error.message}\n`);
    if (error.hint) env.stderr.write(`${error.hint}\n`);
    return error.exitCode;
  }
  const busy = journalBusy(error);
  if (busy) return reportError(busy, env);
  if (error instanceof RangeError && /must be/.test(error.message)) {
    env.stderr.write(`twilio-bulk: ${error.message}\n`);
    return ExitCode.usage;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  env.stderr.write(
    `twilio-bulk: internal error: ${stack}\nThis is a bug in twilio-bulk; please report it with the command you ran.\n`,
  );
  return ExitCode.software;
}

/**
 * better-sqlite3 throws SQLITE_BUSY / SQLITE_LOCKED (or an extended code of them) when another
 * connection held the journal's write lock past the busy timeout. Library code keeps throwing
 * it (it cannot know whether to wait longer); to the user it is a temporary failure, not a bug.
 * Matched by name and code so this file does not load the native module.
 */
function journalBusy(error: unknown): CliError | undefined {
  if (!(error instanceof Error) || error.name !== "SqliteError") return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !/^SQLITE_(BUSY|LOCKED)(_|$)/.test(code)) return undefined;
  return new CliError(
    `the journal is busy (${code}: ${error.message})`,
    ExitCode.tempFail,
    "Another process is writing to the journal and held it longer than twilio-bulk waits; try again when it has finished (or use another --journal).",
  );
}
