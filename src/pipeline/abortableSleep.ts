import type { Clock } from "../core/clock.js";

/**
 * Resolves after `ms`, or as soon as `signal` aborts; never rejects on abort.
 *
 * The signal is handed on to `clock.sleep` so a clock that accepts one can clear its timer:
 * otherwise a pending timer (up to 10 s at 0.1 MPS, or a long retry delay) keeps the process
 * alive after a run was stopped. A clock that ignores it still works; its timer just fires late
 * into nothing.
 */
export function abortableSleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  const slept = clock.sleep(ms, signal).catch(() => {
    // A signal-aware clock rejects on abort; waking up is all that matters here.
  });
  if (!signal) return slept;
  return new Promise((resolve) => {
    const onAbort = () => resolve();
    signal.addEventListener("abort", onAbort, { once: true });
    void slept.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
