/** What one item of a batch came to: its value, or the error that item alone failed with. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface TurnBatchOptions {
  /**
   * Batches being written at once; a batch queued while all are busy waits for the first to
   * end. More than one only for writes that never lock the same rows as each other (two
   * batches that did could deadlock), and only on PostgreSQL: SQLite has one writer. @default 1
   */
  inFlight?: number;
}

interface Queued<I> {
  item: I;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the items added during one turn of the event loop and writes them with one call of
 * `flush`, which settles each item on its own: a caller's promise resolves (or fails) only once
 * the whole batch is written, so nothing acts on a write that is not yet durable. What queues
 * while `inFlight` batches are being written goes together, in one batch, as soon as one ends.
 * A flush that throws fails every item of its batch.
 */
export class TurnBatch<I, O> {
  private queue: Queued<I>[] = [];
  private scheduled = false;
  private writing = 0;
  private readonly inFlight: number;

  constructor(
    private readonly flush: (items: readonly I[]) => Promise<readonly Settled<O>[]>,
    { inFlight = 1 }: TurnBatchOptions = {},
  ) {
    this.inFlight = inFlight;
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.start();
        });
      }
    });
  }

  private start(): void {
    if (this.queue.length === 0 || this.writing >= this.inFlight) return;
    const batch = this.queue;
    this.queue = [];
    this.writing += 1;
    void this.write(batch).finally(() => {
      this.writing -= 1;
      this.start();
    });
  }

  private async write(batch: Queued<I>[]): Promise<void> {
    let settled: readonly Settled<O>[];
    try {
      settled = await this.flush(batch.map((queued) => queued.item));
    } catch (error) {
      for (const queued of batch) queued.reject(error);
      return;
    }
    batch.forEach((queued, i) => {
      const outcome = settled[i];
      if (outcome === undefined) queued.reject(new Error("a batch write settled too few items"));
      else if (outcome.ok) queued.resolve(outcome.value);
      else queued.reject(outcome.error);
    });
  }
}
