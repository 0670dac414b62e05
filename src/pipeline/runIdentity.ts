import { createHash } from "node:crypto";

/** The options that decide what is sent (not how fast): a run is its input plus these. */
export interface SendingOptions {
  format: string;
  toColumn: string;
  body: string | null;
  from: string | null;
  messagingServiceSid: string | null;
  defaultCountry: string | null;
  allowDuplicates: boolean;
  statusCallbackUrl: string | null;
  /** `--api`, when not the default: absent keys keep older runs' identities as they were. */
  api?: string;
  /** The operations' flags that were given (`--flow-sid` …), by key. */
  operation?: Record<string, string>;
}

export function runIdentity(inputHash: string, sending: SendingOptions): string {
  // Left out when unset, so runs recorded before the option existed keep their identity.
  const { statusCallbackUrl, ...rest } = sending;
  const identity = statusCallbackUrl === null ? rest : sending;
  return createHash("sha256")
    .update(JSON.stringify({ inputHash, ...identity }))
    .digest("hex");
}

const LABELS: Record<keyof SendingOptions, string> = {
  format: "--format",
  toColumn: "--to-column",
  body: "--body",
  from: "--from",
  messagingServiceSid: "--messaging-service-sid",
  defaultCountry: "--default-country",
  allowDuplicates: "--allow-duplicates",
  statusCallbackUrl: "--status-callback-url",
  api: "--api",
  operation: "the API options (--url, --flow-sid …)",
};

/** Human-readable differences between a run's recorded sending options and new ones. */
export function describeChanges(before: Partial<SendingOptions>, after: SendingOptions): string[] {
  const changes: string[] = [];
  for (const key of Object.keys(LABELS) as (keyof SendingOptions)[]) {
    const was = before[key] ?? null;
    const now = after[key] ?? null;
    if (JSON.stringify(was) !== JSON.stringify(now))
      changes.push(`${LABELS[key]} was ${show(was)}, now ${show(now)}`);
  }
  return changes;
}

function show(value: unknown): string {
  return value === null ? "not set" : JSON.stringify(value);
}
