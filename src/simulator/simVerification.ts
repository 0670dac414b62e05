/** A verification as the simulator keeps it; `verificationJson` renders the wire format. */
export interface SimVerification {
  sid: string;
  accountSid: string;
  serviceSid: string;
  to: string;
  channel: string;
  locale: string | null;
  status: string;
  attemptSid: string;
  dateCreated: Date;
  dateUpdated: Date;
}

export const VERIFICATION_STATUSES = [
  "pending",
  "approved",
  "canceled",
  "max_attempts_reached",
  "deleted",
  "failed",
  "expired",
] as const;
