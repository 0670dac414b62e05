import type { AttemptStart, StartedAttempt } from "./beginAttempts.js";
import type { AttemptFinish } from "./finishAttempts.js";
import type { Journal } from "./journal.js";
import type { SqlQueries } from "./sql/sqlClient.js";
import { addSuppression, type Suppression } from "./suppressionList.js";
import { type Settled, TurnBatch } from "./turnBatch.js";

/** An attempt's outcome, with the numbers its answer puts on the suppression list. */
export interface AttemptOutcome extends AttemptFinish {
  suppress: readonly Omit<Suppression, "addedAt">[];
}

type AttemptWrite = ({ kind: "begin" } & AttemptStart) | ({ kind: "finish" } & AttemptOutcome);

/**
 * Intent batches being written at once on PostgreSQL: with two, a row's intent seldom waits a
 * whole commit for the batch before it (four measured no better; the pool holds 8 connections).
 * Intents never lock the same rows as each other (a row's is written only while it is pending
 * and this worker's). Outcomes, which add to the suppression list, go one batch at a time, so
 * two of them cannot deadlock over a pair of numbers.
 */
const INTENTS_IN_FLIGHT = 2;

/**
 * The journal's writes on both sides of each request: the intent, durable before the request
 * leaves (the whole no-double-send guarantee rests on it), and the outcome after. Writes made
 * in one turn of the event loop go together, which lifts the cap of a commit or a round trip
 * per write (about 0.7 ms each with synchronous=FULL; more under load) while keeping the
 * protocol: a caller's promise resolves only once its write is durable.
 *
 * On PostgreSQL intents and outcomes are batches of their own, each batch one statement that
 * commits by itself (a transaction only where an outcome suppresses a number). SQLite has one
 * writer: there both share one transaction a turn, which saves a commit.
 */
export class AttemptLog {
  private readonly intents: TurnBatch<AttemptWrite, StartedAttempt | undefined>;
  private readonly outcomes: TurnBatch<AttemptWrite, StartedAttempt | undefined>;

  constructor(private readonly journal: Journal) {
    const flush = (items: readonly AttemptWrite[]) => this.write(items);
    if (journal.sql.dialect.name === "postgres") {
      this.intents = new TurnBatch(flush, { inFlight: INTENTS_IN_FLIGHT });
      this.outcomes = new TurnBatch(flush);
    } else {
      this.intents = this.outcomes = new TurnBatch(flush);
    }
  }

  /** Resolves once "attempt n of this row is in flight" is durable; fails alone if it cannot be. */
  async begin(start: AttemptStart): Promise<StartedAttempt> {
    return (await this.intents.add({ kind: "begin", ...start })) as StartedAttempt;
  }

  /** Resolves once the outcome, and the suppressions it brings, are durable. */
  async finish(outcome: AttemptOutcome): Promise<void> {
    await this.outcomes.add({ kind: "finish", ...outcome });
  }

  private write(items: readonly AttemptWrite[]): Promise<Settled<StartedAttempt | undefined>[]> {
    const { sql } = this.journal;
    const oneStatement =
      sql.dialect.name === "postgres" &&
      items.every((item) => item.kind === "begin" || item.suppress.length === 0);
    // exclusive false: these lock only the rows they touch (attempts of runs this process
    // holds, fenced by a FOR SHARE read of the run's lock), so senders of other runs on a shared
    // PostgreSQL journal commit side by side instead of one journal-wide writer at a time.
    return oneStatement
      ? this.writeIn(sql, items)
      : sql.transaction((tx) => this.writeIn(tx, items), { exclusive: false });
  }

  private async writeIn(
    q: SqlQueries,
    items: readonly AttemptWrite[],
  ): Promise<Settled<StartedAttempt | undefined>[]> {
    const begins: number[] = [];
    const finishes: number[] = [];
    for (const [i, item] of items.entries()) {
      if (item.kind === "begin") begins.push(i);
      else finishes.push(i);
    }
    const settled: Settled<StartedAttempt | undefined>[] = new Array(items.length);
    if (begins.length > 0) {
      const starts = begins.map((i) => items[i] as AttemptStart);
      const begun = await this.journal.beginAttempts(starts, q);
      begins.forEach((i, k) => {
        settled[i] = begun[k]!;
      });
    }
    if (finishes.length > 0) {
      const outcomes = finishes.map((i) => items[i] as AttemptOutcome);
      const finished = await this.journal.finishAttempts(outcomes, q);
      for (const [k, i] of finishes.entries()) {
        const result = finished[k]!;
        settled[i] = result.ok ? { ok: true, value: undefined } : result;
        // Only an outcome that was recorded suppresses: one no longer ours is another's to judge.
        if (result.ok)
          for (const entry of outcomes[k]!.suppress) await addSuppression(this.journal, entry, q);
      }
    }
    return settled;
  }
}
