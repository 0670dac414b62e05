/** Time as the core sees it, so schedulers can be tested against a fake clock. */
export interface Clock {
  /** Milliseconds, monotonic within a process. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
