import type { ApiName } from "./routes.js";

/**
 * One metered request (a create, or a Lookup) as the simulator saw it. Benchmarks judge a
 * sender's pacing by `at`, the arrival time, whatever the request's fate.
 */
export interface CreateRecord {
  api: ApiName;
  /** performance.now() when the request arrived. */
  at: number;
  /** Date.now() when the request arrived. */
  wallMs: number;
  /** The form's To; for a Lookup, the number in the path. */
  to: string | null;
  /** A message's Body; null for the other APIs. */
  body: string | null;
  /** The create's StatusCallback, so a test can see where delivery reports would go. */
  statusCallback: string | null;
  /**
   * `created`: answered 2xx with a new resource; `answered`: a Lookup answered 200; `rejected`:
   * a 4xx other than the limiter's 429 (auth, validation, magic number, Verify's 60203);
   * `reset`: connection destroyed, nothing created; `dropped`: done (created), then the
   * connection destroyed; `500`: see `sid`.
   */
  outcome: "created" | "answered" | "rejected" | "429" | "500" | "reset" | "dropped";
  /** null when no answer was written (reset, dropped). */
  httpStatus: number | null;
  code: number | null;
  /** The resource created, also for `dropped` and for the 500s that did create. */
  sid: string | null;
}
