import { CommanderError } from "commander";
import { buildProgram } from "./cli/buildProgram.js";
import { onBrokenPipe, stopping } from "./cli/onBrokenPipe.js";
import { reportError } from "./cli/reportError.js";
import { type CommandEnv, processEnv } from "./commands/commandEnv.js";
import { ExitCode } from "./errors.js";

/**
 * The one error boundary: the only place that reads argv, handles signals and decides the exit
 * code.
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
