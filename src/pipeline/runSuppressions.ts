import type { Clock } from "../core/clock.js";
import type { Journal, SendableRow } from "../journal/journal.js";
import { skipSuppressedRow } from "../journal/skipSuppressedRow.js";
import { SuppressionLookups } from "../journal/suppressionLookups.js";
import { operationOf } from "../operations/registry.js";

/** Rows looked up together at most: one suppression query for as many as the source has ready. */
const READ_AHEAD = 100;

/**
 * How long a row found not suppressed as it was read counts as checked for its intent. The
 * check just before the intent exists for an opt-out recorded (here or by another process)
 * while the row waited: behind a quiet-hours hold, a retry's delay, a slow queue. Asking again
 * for every row cost a round trip on each; a row that waited less than this is sent on the
 * first answer. An opt-out recorded elsewhere within this last second can be missed, as one
 * recorded while the request is on its way always can be; a longer wait is always asked about.
 */
export const CHECKED_FOR_MS = 1000;

/**
 * Numbers suppressed after the pre-flight (an opt-out earlier in this run, or since): never
 * texted. The journal is asked as rows are read, a chunk at a time; a number this run's own
 * answers suppress is also kept here, so rows to it already read ahead are skipped before they
 * take a token (the scheduler's skip cannot wait for the journal).
 */
export class RunSuppressions {
  private readonly known = new Map<string, string>();
  private readonly writes = new Set<Promise<unknown>>();
  private readonly lookups: SuppressionLookups;
  /** When each row read ahead was last found not suppressed (clock ms). */
  private readonly clearAt = new WeakMap<SendableRow, number>();

  constructor(
    private readonly args: {
      journal: Journal;
      clock: Clock;
      onSkip?: ((row: SendableRow, reason: string) => void) | undefined;
    },
  ) {
    this.lookups = new SuppressionLookups(args.journal);
  }

  learn(number: string, reason: string): void {
    if (!this.known.has(number)) this.known.set(number, reason);
  }

  /** The rows, less those whose number the journal says is suppressed (marked skipped). */
  async *filter(rows: AsyncIterable<SendableRow>): AsyncGenerator<SendableRow> {
    for await (const chunk of inChunks(rows, READ_AHEAD)) {
      // Asked in the same turn, the chunk's lookups share one query.
      const skipped = await Promise.all(chunk.map((row) => this.skipNow(row)));
      for (const [i, row] of chunk.entries()) if (!skipped[i]) yield row;
    }
  }

  /** Skips the row if its number is suppressed now (asking the journal unless just asked). */
  async skipNow(row: SendableRow): Promise<boolean> {
    if (!operationOf(row.api).texts(row.request)) return false;
    let reason = this.known.get(row.to);
    if (reason === undefined) {
      const clearAt = this.clearAt.get(row);
      if (clearAt !== undefined && this.args.clock.now() - clearAt < CHECKED_FOR_MS) return false;
      const askedAt = this.args.clock.now();
      reason = await this.lookups.reasonOf(row.to);
      if (reason === undefined) {
        this.clearAt.set(row, askedAt);
        return false;
      }
    }
    await this.skip(row, reason);
    return true;
  }

  /** Skips the row if this run already knows its number is suppressed (no journal read). */
  skipKnown(row: SendableRow): boolean {
    const reason = this.known.get(row.to);
    if (reason === undefined || !operationOf(row.api).texts(row.request)) return false;
    const write = this.skip(row, reason).finally(() => this.writes.delete(write));
    this.writes.add(write);
    return true;
  }

  private async skip(row: SendableRow, reason: string): Promise<void> {
    if (await skipSuppressedRow(this.args.journal, row.runId, row.idx, { reason })) {
      this.args.onSkip?.(row, `suppressed: ${reason}`);
    }
  }

  /** Waits for the skips still being written. */
  async settled(): Promise<void> {
    await Promise.all([...this.writes]);
  }
}

const NOT_YET = Symbol("not yet");

/**
 * The items in chunks of what the source has ready: a chunk ends at `max` items, or where the
 * next item is not there within the turn (the source is reading a page or claiming rows). A
 * fixed size would wait for several of a worker's claims before its first row, and hold rows
 * the run's other workers could be sending.
 */
async function* inChunks<T>(items: AsyncIterable<T>, max: number): AsyncGenerator<T[]> {
  const source = items[Symbol.asyncIterator]();
  try {
    let next = source.next();
    for (;;) {
      let item = await next;
      const chunk: T[] = [];
      while (!item.done) {
        chunk.push(item.value);
        next = source.next();
        if (chunk.length === max) break;
        const ready = await Promise.race([next, endOfTurn()]);
        if (ready === NOT_YET) break;
        item = ready;
      }
      if (chunk.length > 0) yield chunk;
      if (item.done) return;
    }
  } finally {
    await source.return?.();
  }
}

function endOfTurn(): Promise<typeof NOT_YET> {
  return new Promise((resolve) => setImmediate(() => resolve(NOT_YET)));
}
