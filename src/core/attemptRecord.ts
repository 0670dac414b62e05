/** What one HTTP attempt came to, as the journal records it. */
export interface AttemptRecord {
  /** `retry`: never processed by Twilio, the row stays pending; `fatal`: the run stops, the row stays pending. */
  outcome: "sent" | "failed" | "in_doubt" | "retry" | "fatal";
  httpStatus: number | null;
  errorCode: number | null;
  errorMessage: string | null;
  sid: string | null;
  twilioStatus: string | null;
  /** What the operation keeps of a success answer (a lookup's line type…), journaled as JSON. */
  result?: unknown;
}
