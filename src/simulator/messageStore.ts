import type { FinalizeRule } from "./defaultFinalizeRule.js";
import { makeSid } from "./makeSid.js";
import type { Prng } from "./prng.js";

/** A message as the simulator keeps it; `messageJson` renders Twilio's wire format. */
export interface SimMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  numSegments: string;
  status: string;
  errorCode: number | null;
  errorMessage: string | null;
  dateCreated: Date;
  dateSent: Date | null;
  dateUpdated: Date;
  mediaUrls: string[];
}

export type NewMessage = Pick<
  SimMessage,
  "accountSid" | "to" | "from" | "messagingServiceSid" | "body" | "numSegments" | "status"
> & { mediaUrls: string[] };

export const MESSAGE_STATUSES = [
  "queued",
  "sending",
  "sent",
  "delivered",
  "undelivered",
  "failed",
  "accepted",
  "scheduled",
  "canceled",
  "read",
  "receiving",
  "received",
  "partially_delivered",
] as const;

/** Statuses after which Twilio sends no more status callbacks for an outbound message. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set([
  "delivered",
  "undelivered",
  "failed",
  "canceled",
  "read",
  "received",
  "partially_delivered",
]);

/** Statuses that mean the message left Twilio, so it has a date_sent. */
const SENT_STATUSES = new Set(["sent", "delivered", "undelivered", "failed", "read"]);

/** Every message the simulator created, in creation order, findable by sid. */
export class MessageStore {
  readonly #messages: SimMessage[] = [];
  readonly #bySid = new Map<string, SimMessage>();
  readonly #indexBySid = new Map<string, number>();
  // Positions by To, ascending: finding an in-doubt create lists by To, and a million-message
  // rehearsal must not scan every message for each such lookup.
  readonly #indicesByTo = new Map<string, number[]>();

  constructor(private readonly sidSource: Prng) {}

  create(fields: NewMessage, now: Date): SimMessage {
    const message: SimMessage = {
      ...fields,
      mediaUrls: [...fields.mediaUrls],
      sid: this.#newSid(),
      errorCode: null,
      errorMessage: null,
      dateCreated: now,
      dateSent: null,
      dateUpdated: now,
    };
    const index = this.#messages.push(message) - 1;
    this.#bySid.set(message.sid, message);
    this.#indexBySid.set(message.sid, index);
    const sameTo = this.#indicesByTo.get(message.to);
    if (sameTo) sameTo.push(index);
    else this.#indicesByTo.set(message.to, [index]);
    return message;
  }

  get(sid: string): SimMessage | undefined {
    return this.#bySid.get(sid);
  }

  /** Position of a message in `all()`, or -1. */
  indexOf(sid: string): number {
    return this.#indexBySid.get(sid) ?? -1;
  }

  /** Positions in `all()` of the messages to `to`, ascending; callers must not modify it. */
  indicesTo(to: string): readonly number[] {
    return this.#indicesByTo.get(to) ?? [];
  }

  /** The live list, oldest first: callers must not modify it. */
  all(): readonly SimMessage[] {
    return this.#messages;
  }

  setStatus(sid: string, status: string, errorCode: number | null, now: Date): SimMessage {
    const message = this.#bySid.get(sid);
    if (!message) throw new RangeError(`no message with sid \`${sid}\``);
    if (!(MESSAGE_STATUSES as readonly string[]).includes(status)) {
      throw new RangeError(
        `status must be one of ${MESSAGE_STATUSES.join(", ")}, got \`${status}\``,
      );
    }
    message.status = status;
    message.errorCode = errorCode;
    message.dateUpdated = now;
    if (message.dateSent === null && SENT_STATUSES.has(status)) message.dateSent = now;
    return message;
  }

  /** Moves every message not yet in a final status to the one `rule` picks; returns how many. */
  finalize(rule: FinalizeRule, now: Date): number {
    let moved = 0;
    for (const message of this.#messages) {
      if (FINAL_STATUSES.has(message.status)) continue;
      const { status, errorCode = null } = rule(message);
      this.setStatus(message.sid, status, errorCode, now);
      moved++;
    }
    return moved;
  }

  #newSid(): string {
    return makeSid("SM", this.sidSource, (sid) => this.#bySid.has(sid));
  }
}
