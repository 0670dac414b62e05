import type { SqlClient, SqlQueries, TransactionOptions } from "./sql/sqlClient.js";

interface Pending {
  write: (tx: SqlQueries) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Commits the journal writes queued during one turn of the event loop in a single transaction.
 *
 * With synchronous=FULL every commit waits for the disk (about 0.7 ms here, more under load),
 * and a message needs two commits: one "in flight" before its request, one outcome after. One
 * commit per write caps a run near 500 messages/s; sharing a commit between the writes of the
 * requests that start and finish together lifts that cap while keeping the protocol intact:
 * a caller's promise resolves only after its write is durable, so no request is sent before
 * its attempt is on disk. Each write runs in its own savepoint, so one failing write (a row no
 * longer pending) fails only its own caller.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  /**
   * `options.exclusive` false: the writes lock only the rows they touch (attempts of runs this
   * process holds, fenced by a FOR SHARE read of the run's lock), so senders of other runs on a
   * shared PostgreSQL journal commit side by side instead of one journal-wide writer at a time.
   */
  constructor(
    private readonly sql: SqlClient,
    private readonly options: TransactionOptions = {},
  ) {}

  /** Runs `write` in the next shared transaction; resolves with its result once committed. */
  write<T>(write: (tx: SqlQueries) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Commits whatever is queued now (also called before the journal closes). */
  flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return this.flushing;
    // One transaction at a time: a batch queued while the last one commits waits for it.
    this.flushing = this.flushing.then(() => this.commit(batch));
    return this.flushing;
  }

  private async commit(batch: Pending[]): Promise<void> {
    const settled: { ok: boolean; value: unknown }[] = [];
    try {
      await this.sql.transaction(async (tx) => {
        for (const item of batch) {
          await tx.run("SAVEPOINT group_write");
          try {
            const value = await item.write(tx);
            await tx.run("RELEASE SAVEPOINT group_write");
            settled.push({ ok: true, value });
          } catch (error) {
            await tx.run("ROLLBACK TO SAVEPOINT group_write");
            await tx.run("RELEASE SAVEPOINT group_write");
            settled.push({ ok: false, value: error });
          }
        }
      }, this.options);
    } catch (error) {
      // The commit itself failed (disk full, busy past the timeout): nothing of it is durable.
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = settled[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.value);
    });
  }
}
