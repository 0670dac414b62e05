import type { Journal } from "./journal.js";
import { suppressionsOf } from "./suppressionList.js";

interface Waiting {
  number: string;
  resolve: (reason: string | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Asks the suppression list about the numbers wanted during one turn of the event loop in one
 * query. A sender asks twice per row (as the row is read, and again just before its intent);
 * one query per row was a round trip each, on PostgreSQL a good part of a row's journal cost.
 * Each answer is as fresh as a query of its own would be: the query is made after the ask.
 */
export class SuppressionLookups {
  private waiting: Waiting[] = [];

  constructor(private readonly journal: Journal) {}

  /** Why `number` must not be texted, or undefined when it is not on the list. */
  reasonOf(number: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => void this.ask());
      this.waiting.push({ number, resolve, reject });
    });
  }

  private async ask(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    try {
      const reasons = await suppressionsOf(this.journal, [...new Set(batch.map((w) => w.number))]);
      for (const w of batch) w.resolve(reasons.get(w.number));
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}
