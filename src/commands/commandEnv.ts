import type { Readable, Writable } from "node:stream";
import { type Clock, systemClock } from "../core/clock.js";
import type { InFlight } from "../pipeline/dispatch.js";

/**
 * What a command may touch of the outside world. The CLI passes the real process; tests pass
 * their own streams, environment and clock, and can run a command in-process or as a child.
 */
export interface CommandEnv {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  clock: Clock;
  /**
   * Wall-clock milliseconds since the epoch, for quiet hours (`clock` is monotonic).
   * @default Date.now
   */
  wallClock?: () => number;
  /** Aborted on the first SIGINT/SIGTERM: stop starting new work, finish what is in flight. */
  signal: AbortSignal;
  /** Twilio requests in flight now, kept by every dispatch a command runs. @default none kept */
  inFlight?: InFlight;
}

export function processEnv(signal: AbortSignal, inFlight: InFlight = { count: 0 }): CommandEnv {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    clock: systemClock,
    signal,
    inFlight,
  };
}
