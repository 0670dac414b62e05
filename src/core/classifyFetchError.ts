/** A failed Message fetch, reduced to plain data (never the error object: it holds headers). */
export interface FetchFailure {
  /** The HTTP status, when an answer came back. */
  status: number | null;
  /** Twilio's error code (a number), or Node's error code for a transport failure (a string). */
  code: number | string | null;
  message: string;
}

export type FetchVerdict =
  /** Worth asking again after a pause (429, 5xx, a dropped connection): fetching changes nothing. */
  | { kind: "retry" }
  /** This message cannot be checked (404, another 4xx): leave it, check the others. */
  | { kind: "skip"; reason: "not_found" | "refused" }
  /** Nothing else will succeed either (credentials): stop. */
  | { kind: "stop"; exitCode: 77; message: string };

/** Decides what `status` does after a fetch fails. Pure: the command acts on the answer. */
export function classifyFetchError(failure: FetchFailure): FetchVerdict {
  const { status, code } = failure;
  if (status === 401 || status === 403 || code === 20003 || code === 20008) {
    return { kind: "stop", exitCode: 77, message: `${failure.message} (${code ?? status})` };
  }
  if (status === 404 || code === 20404) return { kind: "skip", reason: "not_found" };
  if (status === null || status === 429 || status >= 500) return { kind: "retry" };
  return { kind: "skip", reason: "refused" };
}
