import { Command, CommanderError, Option } from "commander";
import { type CommandEnv, processEnv } from "./commands/commandEnv.js";
import { CliError, ExitCode } from "./errors.js";

const VERSION = "0.1.0";

/**
 * The command table and the one error boundary: the only place that reads argv, handles
 * signals and decides the exit code. Commands are imported lazily so `--help` stays fast and
 * only commands that talk to Twilio pay for loading its client.
 */
export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      // The journal protocol already covers whatever is in flight: leave at once.
      process.exit(signal === "SIGTERM" ? ExitCode.terminated : ExitCode.interrupted);
    }
    process.stderr.write(
      `\n${signal}: finishing the requests in flight, then stopping (send it again to stop at once).\n`,
    );
    controller.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const env = processEnv(controller.signal);
  try {
    return await run(argv, env);
  } catch (error) {
    return reportError(error, env);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

export async function run(argv: string[], env: CommandEnv): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(env, (code) => {
    exitCode = code;
  });
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

function invocation(args: readonly string[]): string {
  return ["twilio-bulk", ...args.map(shellQuote)].join(" ");
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

function scheduleOptions(command: Command): Command {
  return command
    .option("--rate <mps>", "messages started per second (decimals allowed)", "1")
    .option("--burst <n>", "starts allowed back to back after an idle spell", "1")
    .option(
      "--concurrency <n>",
      "requests in flight at most (default: enough for the rate at 1 s latency, at most 100)",
    )
    .option("--max-attempts <n>", "attempts per row for answers that are safe to retry (429)", "3")
    .option("--timeout <seconds>", "per-request timeout", "30")
    .addOption(
      new Option("--api-url <url>", "send requests to this origin instead of Twilio's").env(
        "TWILIO_BULK_API_URL",
      ),
    )
    .addOption(new Option("--journal <path>", "the journal file").env("TWILIO_BULK_JOURNAL"));
}

function buildProgram(env: CommandEnv, setExit: (code: number) => void): Command {
  const program = new Command("twilio-bulk")
    .description("Send Twilio messages in bulk from CSV or JSON, metered, journaled and resumable.")
    .version(VERSION)
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (s) => env.stdout.write(s),
      writeErr: (s) => env.stderr.write(s),
    });

  scheduleOptions(
    program
      .command("send")
      .description("pre-flight a list, then send every valid row at the given rate")
      .argument("<file>", "CSV, JSON or NDJSON file; - reads standard input")
      .option("--format <format>", "csv, json or ndjson (default: from the file's extension)")
      .option("--to-column <name>", "the column holding the recipient", "to")
      .option("--body <template>", "message text; {{column}} is replaced by the row's value")
      .option("--from <number>", "sender for rows without a from column")
      .option("--messaging-service-sid <sid>", "Messaging Service for rows without a from column")
      .option("--default-country <code>", "ISO country for numbers written without +country code")
      .option("--allow-duplicates", "send rows with the same To and body more than once")
      .option("--run <name>", "name the run (resume it by name; required to resume stdin)")
      .option("--new-run", "start a new run even if this list was sent before")
      .option("--dry-run", "pre-flight and print the plan; send nothing")
      .option("--json", "print the summary as JSON on stdout"),
  ).action(async (file: string, raw: Record<string, string | boolean | undefined>) => {
    const [{ send }, { parseSendOptions }] = await Promise.all([
      import("./commands/send.js"),
      import("./commands/sendOptions.js"),
    ]);
    const options = parseSendOptions(
      file,
      raw,
      env.env,
      invocation(["send", ...restArgs(file, raw)]),
    );
    setExit(await send(options, env));
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
    .command("demo")
    .description("send fixtures/demo.csv through the built-in simulator (no account needed)")
    .option("--rate <mps>", "messages per second", "10")
    .option("--journal <path>", "keep the demo's journal here (default: a temporary file)")
    .action(async (raw: { rate?: string; journal?: string }) => {
      const { demo } = await import("./commands/demo.js");
      setExit(await demo(raw, env));
    });

  return program;
}

/** The command line as given, rebuilt from commander's parse so it can be printed to resume. */
function restArgs(file: string, raw: Record<string, string | boolean | undefined>): string[] {
  const args = [file];
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === false) continue;
    if (key === "json" || key === "dryRun" || key === "newRun") continue;
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (value === true) args.push(flag);
    else args.push(flag, value);
  }
  return args;
}

function reportError(error: unknown, env: CommandEnv): number {
  if (error instanceof CliError) {
    env.stderr.write(`twilio-bulk: ${error.message}\n`);
    if (error.hint) env.stderr.write(`${error.hint}\n`);
    return error.exitCode;
  }
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
