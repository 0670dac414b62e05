/** Time as the core sees it, so schedulers can be tested against a fake clock. */
export interface Clock {
  /** Milliseconds, monotonic within a process. */
  now(): number;
  /**
   * Resolves after `ms`. With a signal, an abort resolves it at once and clears the timer, so
   * a stopped run does not stay alive waiting out a long pacing or retry delay.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        // setTimeout fires at once past 2^31-1 ms; no wait of ours is that long on purpose.
        Math.min(Math.max(0, ms), 2 ** 31 - 1),
      );
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};
