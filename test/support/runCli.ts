import { type ChildProcess, spawn } from "node:child_process";
import { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { reportError } from "../../src/cli/reportError.js";
import { run } from "../../src/cli.js";
import type { CommandEnv } from "../../src/commands/commandEnv.js";
import { type Clock, systemClock } from "../../src/core/clock.js";

export interface CliResult {
  /** The exit code; null only when the child was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  /** The whole environment of the command: nothing is inherited but PATH and HOME. */
  env?: Record<string, string | undefined>;
  stdin?: string | Buffer;
  cwd?: string;
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/twilio-bulk.js", import.meta.url));

/** A child's environment: the caller's, plus what a shell always has. */
function childEnv(env: CliRun["env"]): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [key, value] of Object.entries(env ?? {})) {
    if (value !== undefined) base[key] = value;
  }
  return base;
}

export interface StartedCli {
  child: ChildProcess;
  /** Settles when the child has exited; `signal` names what killed it, if anything did. */
  exited: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node bin/twilio-bulk.js …` without waiting for it, for tests that signal or kill it
 * mid-run. Killed after `timeoutMs` so a hung command fails its test instead of the suite.
 */
export function startCli(
  args: readonly string[],
  options: Omit<CliRun, "stdin"> & { timeoutMs?: number } = {},
): StartedCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: childEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
  const exited = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, exited };
}

/**
 * Runs `node bin/twilio-bulk.js …` as a child process (the build in dist/ must be fresh, as
 * `npm test` makes it), with its own environment and stdin. Killed after `timeoutMs` so a hung
 * command fails its test instead of the suite.
 */
export function runCli(
  args: readonly string[],
  options: CliRun & { timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: childEnv(options.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    // A command that never reads stdin may exit before the write lands: that is not an error.
    child.stdin.on("error", () => {});
    child.stdin.end(options.stdin ?? "");
  });
}

export interface InProcessRun extends CliRun {
  clock?: Clock;
  /** Wall-clock ms since the epoch, for quiet hours; tie it to a fake `clock` to wait them out. */
  wallClock?: () => number;
  /** Pretend stdout is a terminal (for colours); stderr stays a pipe, so no progress bar. */
  stdoutIsTTY?: boolean;
  signal?: AbortSignal;
}

/** A Writable that keeps what it is given, for a command's stdout or stderr. */
export function textSink(isTTY = false): Writable & { isTTY?: boolean; text(): string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
      done();
    },
  }) as Writable & { isTTY?: boolean; text(): string };
  if (isTTY) sink.isTTY = true;
  sink.text = () => chunks.join("");
  return sink;
}

/**
 * Runs the command table in this process, ending as the process would (`run`, then the one
 * error boundary), with its own environment, streams and clock. Faster than a child, and the
 * clock can be a fake one; exit codes that depend on the process itself need runCli.
 */
export async function runInProcess(
  args: readonly string[],
  options: InProcessRun = {},
): Promise<CliResult & { code: number }> {
  const stdout = textSink(options.stdoutIsTTY);
  const stderr = textSink();
  const env: CommandEnv = {
    cwd: options.cwd ?? ROOT,
    env: childEnv(options.env),
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout,
    stderr,
    clock: options.clock ?? systemClock,
    signal: options.signal ?? new AbortController().signal,
  };
  if (options.wallClock) env.wallClock = options.wallClock;
  let code: number;
  try {
    code = await run([...args], env);
  } catch (error) {
    code = reportError(error, env);
  }
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/**
 * `twilio-bulk … | head -n <lines>`: reads that many lines of the child's stdout, then closes
 * the pipe as head does (0 closes it before the child writes anything). `stdout` is what was
 * read before closing.
 */
export function runCliIntoHead(
  args: readonly string[],
  lines: number,
  options: Omit<CliRun, "stdin"> & { timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: childEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  if (lines === 0) child.stdout.destroy();
  else {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const read = stdout.split("\n");
      if (read.length > lines) {
        stdout = `${read.slice(0, lines).join("\n")}\n`;
        child.stdout.destroy();
      }
    });
  }
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
