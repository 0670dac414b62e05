/** A Studio Flow execution as the simulator keeps it; `executionJson` renders the wire format. */
export interface SimExecution {
  sid: string;
  accountSid: string;
  flowSid: string;
  /** The To of the create: Studio's contact. */
  contactChannelAddress: string;
  from: string;
  /** The create's `Parameters`, parsed: the flow's `flow.data`. */
  parameters: Record<string, unknown>;
  status: string;
  dateCreated: Date;
  dateUpdated: Date;
}

export const EXECUTION_STATUSES = ["active", "ended"] as const;
