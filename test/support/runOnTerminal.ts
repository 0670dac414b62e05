import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { shellQuote } from "../../src/core/shellQuote.js";
import type { CliResult } from "./runCli.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/twilio-bulk.js", import.meta.url));

/**
 * util-linux `script` gives the command a real pseudo-terminal for stdin and stdout (Debian's
 * essential bsdutils package ships it). Tests that need one skip, saying so, where it is absent.
 */
export const hasScript = spawnSync("script", ["--version"]).status === 0;

export interface TerminalRun {
  env: Record<string, string | undefined>;
  cwd?: string;
  /** Typed once `waitFor` has appeared on the terminal (the prompt), e.g. "y\n" or "\x03". */
  answer?: string;
  waitFor?: string;
  timeoutMs?: number;
  /** Standard error goes to this file instead of the terminal (`2>file`). */
  stderrTo?: string;
}

/**
 * Runs `node bin/twilio-bulk.js …` on a pseudo-terminal: what it prints to the terminal
 * (stdout and stderr together, with the echo of what was typed) and its exit code.
 */
export function runOnTerminal(args: readonly string[], options: TerminalRun): Promise<CliResult> {
  const command =
    [process.execPath, BIN, ...args].map(shellQuote).join(" ") +
    (options.stderrTo === undefined ? "" : ` 2>${shellQuote(options.stderrTo)}`);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SHELL: "/bin/sh",
  };
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
  // -q quiet, -f flush at once, -e the command's exit code; the typescript goes nowhere.
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let screen = "";
    let stderr = "";
    let answered = false;
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.stdout.on("data", (chunk: Buffer) => {
      screen += chunk.toString("utf8");
      if (
        !answered &&
        options.answer !== undefined &&
        screen.includes(options.waitFor ?? "[y/N]")
      ) {
        answered = true;
        child.stdin.write(options.answer);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.stdin.on("error", () => {});
    // Nothing to type: the end of input, which a prompt would read as "no".
    if (options.answer === undefined) child.stdin.end();
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: screen, stderr });
    });
  });
}
