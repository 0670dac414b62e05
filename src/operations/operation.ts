import type { RequestDefaults } from "../core/buildRequest.js";
import type { CallResult } from "../core/callResult.js";
import type { Classification } from "../core/classifyAnswer.js";
import type { TwilioApi } from "../twilio/twilioApi.js";

/** A row's cells: blank cells count as absent, a JSON list stays a list. */
export type Fields = Record<string, string | string[]>;

/**
 * The run's defaults for building requests: Messages' own (sender, body template, country,
 * recipient column), plus every operation flag's value by its key (`--flow-sid` → `flowSid`).
 */
export interface OperationDefaults extends RequestDefaults {
  options: Readonly<Record<string, string | undefined>>;
  /** The run's suppression switches: an operation asks Twilio for what they need. */
  suppression?: SuppressionOptions;
}

/** A `send` flag an operation adds: the run's default for one of its columns. */
export interface OperationFlag {
  /** As commander takes it: `--flow-sid <sid>`. */
  flag: string;
  /** The defaults' key: `flowSid`. */
  key: string;
  description: string;
  /** What a valid value looks like, checked when the command line is read. */
  valid?: { pattern: RegExp; expected: string };
  /** What is wrong with a value, if anything (for checks a pattern cannot name). */
  problem?(value: string): string | undefined;
}

export type BuiltRequest<Req extends object = object> =
  | {
      ok: true;
      request: Req;
      /** The recipient, normalised: suppression and reconcile look it up. */
      to: string;
      /** Same key, same effect: the pre-flight skips the second row as a duplicate (dedupeDigest). */
      dedupeKey: Buffer;
      /** What the plan counts: SMS segments for messages, 1 else. */
      units: number;
    }
  | { ok: false; reason: string; to?: string };

/** Something a create with an unknown outcome may have made, as a list answer shows it. */
export interface Remote {
  sid: string;
  status: string;
  to: string | null;
  from: string | null;
  /** Wall-clock ms; null when Twilio did not say. */
  createdAt: number | null;
}

export interface ReconcileQuery<Req> {
  /** The request of one of the rows searched for: they share their `key`. */
  request: Req;
  to: string;
  /** Wall-clock ms: the earliest first attempt in doubt started then, less the allowed skew. */
  from: number;
  /** Wall-clock ms: the latest last attempt's start, plus the request timeout and the skew. */
  until: number;
  /** Resources to list at most (newest first, paged): fewer means the list was complete. */
  limit: number;
}

/**
 * How reconcile finds what an unknown-outcome create may have made. `messageList`: the
 * recipient-grouped Messages search of src/pipeline/reconcileRows.ts, which also finds
 * duplicates. `search`: the rows that share a `key` are looked for together, with one list
 * call, then `match` and src/core/matchFound.ts. `unsupported`: Twilio offers no way to look;
 * the rows stay in doubt, and the reason says so.
 */
export type Reconciler<Req> =
  | { kind: "messageList" }
  | {
      kind: "search";
      /** Changes nothing at Twilio: throws on failure, and reconcile retries it. */
      find(api: TwilioApi, query: ReconcileQuery<Req>): Promise<Remote[]>;
      /**
       * What the list shows of a request (the number and sender of a call, the flow and
       * contact of an execution): rows with the same key cannot be told apart by the list.
       */
      key(request: Req): string;
      match(request: Req, remote: Remote): boolean;
    }
  | { kind: "unsupported"; reason: string };

/**
 * The run's own settings as the journal keeps them (`--from`, `--messaging-service-sid`, and the
 * operations' flags by key): what a row without a value of its own was built with.
 */
export interface RunDefaults {
  from?: string | undefined;
  messagingServiceSid?: string | undefined;
  options: Readonly<Record<string, string | undefined>>;
}

export interface SuppressionOptions {
  /** `--suppress-landlines`. */
  suppressLandlines: boolean;
}

/**
 * One Twilio API as the pipeline, the journal and the report see it. The pipeline never asks
 * which API a row is for: it asks the row's operation.
 */
export interface Operation<Req extends object = object> {
  /** The registry key, the `--api` / `api` column value and the journal's `rows.api`. */
  readonly name: string;
  /** `read`: an unknown outcome changed nothing and is retried; `create`: it is in doubt. */
  readonly safety: "create" | "read";
  /** What one request is called, singular and plural: the plan and the question count them. */
  readonly noun: readonly [one: string, many: string];
  /** One line for `--help` and the README. */
  readonly summary: string;
  /** Twilio's own ceiling on this API's rate: the plan warns when `--rate` is above `max`. */
  readonly rate?: { note: string; max?: number };
  readonly flags: readonly OperationFlag[];
  /** Its units are SMS segments, which the plan and the run count (Messages). */
  readonly segments?: boolean;
  /** The columns it reads (Studio passes every other column on as Parameters). */
  readonly columns: readonly string[];
  /** Whether a row reaches a person by text, so opt-outs (the suppression list) skip it. */
  texts(request: Req): boolean;
  /** Pure: the row's request, or every reason it cannot be sent. */
  build(fields: Fields, defaults: OperationDefaults): BuiltRequest<Req>;
  /** Loads the twilio-node modules it uses, before pacing starts (they load on first use). */
  warm(api: TwilioApi): void;
  /** The edge: performs the request; what came back is a value. */
  send(api: TwilioApi, request: Req): Promise<CallResult>;
  /**
   * Pure: whether the request uses the run's own sender or resource (flow, service), so an
   * answer that it does not exist or is unusable speaks for every row and stops the run; a
   * row's own value fails that row only.
   */
  usesRunDefaults(request: Req, defaults: RunDefaults): boolean;
  /** Pure: the answer to a Classification. */
  classify(result: CallResult, nowMs?: number): Classification;
  readonly reconcile: Reconciler<Req>;
  /** `status` fetches delivery reports for it (Messages only). */
  readonly delivery?: boolean;
  /** `report --rows`: the `tb_` columns it adds, and their values from the journaled result. */
  readonly report?: {
    columns: readonly string[];
    values(result: unknown): Record<string, string | number | boolean | null>;
  };
  /** Pure: whether an answer puts the number on the suppression list. */
  suppressionFor?(
    classification: Classification,
    options: SuppressionOptions,
  ): { code: number | null; reason: string } | null;
}
