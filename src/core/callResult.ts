/** What came back from one HTTP call, reduced to plain data the core can decide on. */
export type CallResult =
  | {
      kind: "response";
      status: number;
      headers: Record<string, string | undefined>;
      /** Parsed JSON when the answer was JSON, else the raw text. */
      body: unknown;
    }
  | {
      kind: "network";
      /** Node's error code: ECONNREFUSED, ECONNRESET, ETIMEDOUT, ECONNABORTED, … */
      code: string;
      message: string;
    }
  | {
      /** The client refused the request before sending it (a local validation error). */
      kind: "not_sent";
      message: string;
    };
