/** A call as the simulator keeps it; `callJson` renders Twilio's wire format. */
export interface SimCall {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  status: string;
  /** How the call was to be handled: exactly one is set. */
  url: string | null;
  twiml: string | null;
  applicationSid: string | null;
  statusCallback: string | null;
  machineDetection: string | null;
  timeout: string | null;
  record: string | null;
  timeLimit: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  startTime: Date | null;
  endTime: Date | null;
}

export const CALL_STATUSES = [
  "queued",
  "ringing",
  "in-progress",
  "completed",
  "busy",
  "failed",
  "no-answer",
  "canceled",
] as const;

/** Statuses a call does not leave. */
export const FINAL_CALL_STATUSES: ReadonlySet<string> = new Set([
  "completed",
  "busy",
  "failed",
  "no-answer",
  "canceled",
]);
