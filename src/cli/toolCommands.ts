import type { Command } from "commander";
import type { CommandEnv } from "../commands/commandEnv.js";
import type { SetExit } from "./buildProgram.js";
import { journalOption } from "./commandOptions.js";

/** The commands around sending: the simulator, the callback listener, the list generator, the demo. */
export function addToolCommands(program: Command, env: CommandEnv, setExit: SetExit): void {
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
      const { simulate } = await import("../commands/simulate.js");
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
    .addOption(journalOption())
    .action(async (raw: Record<string, string | undefined>) => {
      const { listen, parseListenOptions } = await import("../commands/listen.js");
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
      const { generate, parseGenerateOptions } = await import("../commands/generate.js");
      setExit(await generate(parseGenerateOptions(raw), env));
    });

  program
    .command("demo")
    .description("send fixtures/demo.csv through the built-in simulator (no account needed)")
    .option("--rate <mps>", "messages per second", "10")
    .option("--journal <path>", "keep the demo's journal here (default: a temporary file)")
    .action(async (raw: { rate?: string; journal?: string }) => {
      const { demo } = await import("../commands/demo.js");
      setExit(await demo(raw, env));
    });
}
