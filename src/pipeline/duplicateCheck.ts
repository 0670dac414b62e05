import { KeyFilter, storedKey } from "../journal/dedupeKeys.js";

/** What the pre-flight knows of a row's dedupe key when it reads the row. */
export type Earlier =
  /** No earlier row of the run has it. */
  | { kind: "none" }
  /** The line of the first earlier row with it. */
  | { kind: "line"; line: number }
  /** An earlier row may have it: confirmDuplicates decides, once the list is read. */
  | { kind: "maybe" };

/**
 * Which rows of one pre-flight repeat an earlier row's dedupe key, told without a journal
 * look-up per row: the batch not yet written is in a map, the rows written before it in a
 * fixed-size filter. A row the filter cannot clear is a candidate, kept pending for now, and
 * a later row with its key in the batch too. Memory is the filter, one batch's keys and the
 * candidates (duplicates far apart in the list, and the filter's rare false alarms).
 */
export class DuplicateCheck {
  private readonly written = new KeyFilter();
  /** The batch's keys: the line of the first pending row with one, or null for a candidate's. */
  private batch = new Map<string, number | null>();
  /** Candidates by idx, in file order, with their keys as storedKey spells them. */
  readonly candidates = new Map<number, string>();

  earlier(key: Buffer): Earlier {
    const inBatch = this.batch.get(key.toString("latin1"));
    if (inBatch === null) return { kind: "maybe" };
    if (inBatch !== undefined) return { kind: "line", line: inBatch };
    return this.written.mayHave(key) ? { kind: "maybe" } : { kind: "none" };
  }

  /** A row left pending, `earlier` having answered none or maybe. */
  pending(idx: number, line: number, key: Buffer, earlier: Earlier): void {
    const text = key.toString("latin1");
    if (earlier.kind === "maybe") {
      this.batch.set(text, null);
      this.candidates.set(idx, storedKey(key));
    } else if (!this.batch.has(text)) this.batch.set(text, line);
  }

  /** The batch is in the journal: its keys (every row's that has one) go into the filter. */
  flushed(keys: Iterable<Buffer>): void {
    for (const key of keys) this.written.add(key);
    this.batch = new Map();
  }
}
