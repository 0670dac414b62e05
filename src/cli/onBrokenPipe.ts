import type { InFlight } from "../pipeline/dispatch.js";

/**
 * What a stop waits for, from the live count every dispatch keeps: argv cannot tell (`send
 * --help`, a finished list, a retry with nothing to retry have nothing in flight).
 */
export function stopping(inFlight: InFlight): string {
  return inFlight.count > 0 ? "finishing the requests in flight, then stopping" : "stopping";
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
export function onBrokenPipe(
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
