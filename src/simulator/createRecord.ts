/**
 * One create request as the simulator saw it. Benchmarks judge a sender's pacing by `at`, the
 * arrival time, whatever the request's fate.
 */
export interface CreateRecord {
  /** performance.now() when the request arrived. */
  at: number;
  /** Date.now() when the request arrived. */
  wallMs: number;
  to: string | null;
  body: string | null;
  /** The create's StatusCallback, so a test can see where delivery reports would go. */
  statusCallback: string | null;
  /**
   * `rejected`: a 4xx other than 429 (auth, validation, magic number); `reset`: connection
   * destroyed, nothing created; `dropped`: created, then connection destroyed; `500`: see `sid`.
   */
  outcome: "created" | "rejected" | "429" | "500" | "reset" | "dropped";
  /** null when no answer was written (reset, dropped). */
  httpStatus: number | null;
  code: number | null;
  /** The message created, also for `dropped` and for the 500s that did create. */
  sid: string | null;
}
