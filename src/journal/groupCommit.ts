import type { SqlClient, SqlQueries, TransactionOptions } from "./sql/sqlClient.js";

interface Pending {
  write: (tx: SqlQueries) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; value: unknown };

export interface GroupCommitOptions extends TransactionOptions {
  /**
   * Transactions committing at once, each on a connection of its own; a batch queued while all
   * are busy waits for the first to end. More than one only for writes that never lock the same
   * rows as each other (two batches that did could deadlock), and only on PostgreSQL: SQLite
   * has one writer. @default 1
   */
  inFlight?: number;
}

/**
 * Commits the journal writes queued during one turn of the event loop in a single transaction.
 *
 * With synchronous=FULL every commit waits for the disk (about 0.7 ms here, more under load),
 * and a message needs two commits: one "in flight" before its request, one outcome after. One
 * commit per write caps a run near 500 messages/s; sharing a commit between the writes of the
 * requests that start and finish together lifts that cap while keeping the protocol intact:
 * a caller's promise resolves only after its write is durable, so no request is sent before
 * its attempt is on disk. One failing write (a row no longer pending) fails only its own caller.
 * The writes of a batch run side by side, in no set order: none may depend on another's effect.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private committing = 0;
  private readonly inFlight: number;
  private readonly transaction: TransactionOptions;

  /**
   * `options.exclusive` false: the writes lock only the rows they touch (attempts of runs this
   * process holds, fenced by a FOR SHARE read of the run's lock), so senders of other runs on a
   * shared PostgreSQL journal commit side by side instead of one journal-wide writer at a time.
   */
  constructor(
    private readonly sql: SqlClient,
    { inFlight = 1, ...transaction }: GroupCommitOptions = {},
  ) {
    this.inFlight = inFlight;
    this.transaction = transaction;
  }

  /** Runs `write` in the next shared transaction; resolves with its result once committed. */
  write<T>(write: (tx: SqlQueries) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.startCommit();
        });
      }
    });
  }

  /** Commits whatever is queued, unless `inFlight` transactions already are committing. */
  private startCommit(): void {
    if (this.queue.length === 0 || this.committing >= this.inFlight) return;
    const batch = this.queue;
    this.queue = [];
    this.committing += 1;
    void this.commit(batch).finally(() => {
      this.committing -= 1;
      // What queued meanwhile has waited long enough: it goes at once, in one batch.
      this.startCommit();
    });
  }

  private async commit(batch: Pending[]): Promise<void> {
    let settled: Settled[];
    try {
      settled = await this.attempt(batch, false);
    } catch (error) {
      // A write failed, and on PostgreSQL a failed statement aborts the whole transaction: it
      // rolled back, and runs once more with each write in a savepoint of its own. Failures are
      // rare (a row no longer pending), so the common batch saves a savepoint's two round trips
      // per write. A batch of one has nobody else to shield. Any other error is the commit's
      // own (disk full, busy past the timeout): nothing of the batch is durable.
      if (batch.length === 1 || !(error instanceof WriteFailed)) {
        const cause = error instanceof WriteFailed ? error.cause : error;
        for (const item of batch) item.reject(cause);
        return;
      }
      try {
        settled = await this.attempt(batch, true);
      } catch (error) {
        for (const item of batch) item.reject(error);
        return;
      }
    }
    batch.forEach((item, i) => {
      const outcome = settled[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.value);
    });
  }

  /**
   * One transaction of the batch's writes. Without savepoints the writes run side by side, so
   * that on PostgreSQL their statements share round trips (the pool's connections pipeline),
   * and any failing write rolls them all back (WriteFailed); with savepoints they run one after
   * another, each failure kept to its own write.
   */
  private attempt(batch: Pending[], savepoints: boolean): Promise<Settled[]> {
    return this.sql.transaction(async (tx) => {
      if (!savepoints) {
        // Every write settles before the commit or the rollback: none may still be issuing
        // statements on the connection once the transaction has ended.
        const results = await Promise.allSettled(batch.map((item) => item.write(tx)));
        return results.map((r): Settled => {
          if (r.status === "rejected") throw new WriteFailed(r.reason);
          return { ok: true, value: r.value };
        });
      }
      const settled: Settled[] = [];
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
      return settled;
    }, this.transaction);
  }
}

/** A write of the batch threw (not the transaction around it). */
class WriteFailed extends Error {
  constructor(override readonly cause: unknown) {
    super("a write of the group failed");
  }
}
