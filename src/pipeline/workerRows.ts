import type { Clock } from "../core/clock.js";
import { claimBatch, othersHoldRows } from "../journal/claimRows.js";
import { type Journal, type SendableRow, toSendableRow } from "../journal/journal.js";
import type { RunLock } from "../journal/runLock.js";
import { abortableSleep } from "./abortableSleep.js";

export interface ClaimOptions {
  /** Rows claimed at a time: held by this worker until it sends them (or is gone). */
  batch: number;
  clock: Clock;
  signal: AbortSignal;
  /** How long to wait between looks while the run's other workers still hold pending rows. */
  idleMs?: number;
}

/**
 * The rows this worker sends: claimed a batch at a time until none is left to claim. It then
 * stays while other workers still hold pending rows, sweeping for the gone (kill -9, a lapsed
 * lease) so that their rows are recovered and sent by whoever is left: the last worker to end
 * leaves no row pending that a live one could have sent.
 */
export async function* workerRows(
  journal: Journal,
  lock: RunLock,
  options: ClaimOptions,
): AsyncGenerator<SendableRow> {
  const { runId, token } = lock;
  const q = journal.sql;
  while (!options.signal.aborted) {
    let claimed = await claimBatch(q, runId, token, options.batch);
    if (claimed.length === 0) {
      // A gone worker's rows become claimable once it is swept.
      await lock.sweep();
      claimed = await claimBatch(q, runId, token, options.batch);
    }
    if (claimed.length === 0) {
      if (!(await othersHoldRows(q, runId, token))) return;
      await abortableSleep(options.clock, options.idleMs ?? 500, options.signal);
      continue;
    }
    // RETURNING gives no order: the file's order is the sending order.
    claimed.sort((a, b) => a.idx - b.idx);
    for (const row of claimed) yield toSendableRow(runId, row);
  }
}
