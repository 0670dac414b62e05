import { assertRunLockHeld, type HeldLock } from "./runLockFence.js";
import type { SqlQueries } from "./sql/sqlClient.js";
import type { Settled } from "./turnBatch.js";

/** A row whose next attempt is about to be sent. */
export interface AttemptStart {
  runId: number;
  idx: number;
}

/** The attempt's id (for its outcome) and its number among the row's attempts. */
export interface StartedAttempt {
  attemptId: number;
  n: number;
}

export interface AttemptContext {
  heldLocks: ReadonlyMap<number, HeldLock>;
  now: number;
}

/**
 * Commits "attempt n of this row is in flight" for each start, in `q`, before their requests
 * leave: a process that dies before the outcomes leaves the rows in flight, and they become in
 * doubt instead of being sent again. Each start settles alone: a row no longer pending (or not
 * this worker's) fails only its own; a run whose lock was taken over fails all of that run's.
 *
 * On PostgreSQL each run's starts are one statement, the fence included: a statement per row
 * and three per start cost a round trip and the server's and the client's CPU each, which is
 * where a send at thousands of rows a second spends its time. SQLite runs in-process, where a
 * statement costs microseconds and an UPDATE cannot feed an INSERT in one statement.
 */
export async function beginAttempts(
  q: SqlQueries,
  context: AttemptContext,
  starts: readonly AttemptStart[],
): Promise<Settled<StartedAttempt>[]> {
  const settled: Settled<StartedAttempt>[] = new Array(starts.length);
  for (const [runId, positions] of byRun(starts)) {
    const idxs = positions.map((i) => starts[i]!.idx);
    let begun: Map<number, StartedAttempt>;
    try {
      begun =
        q.dialect.name === "postgres"
          ? await beginInOneStatement(q, context, runId, idxs)
          : await beginOneByOne(q, context, runId, idxs);
    } catch (error) {
      for (const i of positions) settled[i] = { ok: false, error };
      continue;
    }
    for (const i of positions) {
      const idx = starts[i]!.idx;
      const attempt = begun.get(idx);
      settled[i] = attempt
        ? { ok: true, value: attempt }
        : { ok: false, error: new Error(`row ${idx} of run ${runId} is not pending`) };
    }
  }
  return settled;
}

/** Positions in `starts` by run, in order: a batch is almost always of one run. */
function byRun(starts: readonly AttemptStart[]): Map<number, number[]> {
  const runs = new Map<number, number[]>();
  starts.forEach((start, i) => {
    const positions = runs.get(start.runId);
    if (positions) positions.push(i);
    else runs.set(start.runId, [i]);
  });
  return runs;
}

/**
 * Alone on the run, a holder owns whatever it starts; shared, only what it claimed. Not locked
 * (a journal used without a run lock), nothing is fenced.
 */
function ownership(context: AttemptContext, runId: number) {
  const held = context.heldLocks.get(runId);
  return held?.shared
    ? { set: "", where: " AND owner = ?", params: [held.token] }
    : { set: ", owner = ?", where: "", params: [held?.token ?? null] };
}

async function beginInOneStatement(
  q: SqlQueries,
  context: AttemptContext,
  runId: number,
  idxs: readonly number[],
): Promise<Map<number, StartedAttempt>> {
  const token = context.heldLocks.get(runId)?.token;
  const own = ownership(context, runId);
  // The fence as in runLockFence.ts, read-locked in the same statement: a takeover's UPDATE of
  // the lock waits for this commit, or commits first and no row is started.
  const fence =
    token === undefined
      ? { with: "", where: "", params: [] }
      : {
          with: "fence AS (SELECT 1 FROM run_locks WHERE token = ? AND run_id = ? FOR SHARE),",
          where: " AND EXISTS (SELECT 1 FROM fence)",
          params: [token, runId],
        };
  const rows = await q.all<{ id: number; row_idx: number; n: number }>(
    `WITH ${fence.with}
     started AS (
       UPDATE rows SET attempts = attempts + 1, updated_at = ?${own.set}
        WHERE run_id = ? AND idx = ANY(?::int[]) AND state = 'pending'${own.where}${fence.where}
        RETURNING idx, attempts)
     INSERT INTO attempts (run_id, row_idx, n, outcome, started_at)
       SELECT ?, idx, attempts, 'in_flight', ? FROM started
       RETURNING id, row_idx, n`,
    [
      ...fence.params,
      context.now,
      ...(own.set ? own.params : []),
      runId,
      `{${idxs.join(",")}}`,
      ...(own.where ? own.params : []),
      runId,
      context.now,
    ],
  );
  // Rows not begun may be fenced ones: say so, rather than "not pending".
  if (rows.length < idxs.length) await assertRunLockHeld(q, context, runId);
  return new Map(rows.map((r) => [r.row_idx, { attemptId: r.id, n: r.n }]));
}

async function beginOneByOne(
  q: SqlQueries,
  context: AttemptContext,
  runId: number,
  idxs: readonly number[],
): Promise<Map<number, StartedAttempt>> {
  await assertRunLockHeld(q, context, runId);
  const own = ownership(context, runId);
  const begun = new Map<number, StartedAttempt>();
  for (const idx of idxs) {
    const row = await q.get<{ attempts: number }>(
      `UPDATE rows SET attempts = attempts + 1, updated_at = ?${own.set}
        WHERE run_id = ? AND idx = ? AND state = 'pending'${own.where} RETURNING attempts`,
      own.set ? [context.now, ...own.params, runId, idx] : [context.now, runId, idx, ...own.params],
    );
    if (!row) continue;
    const attempt = await q.get<{ id: number }>(
      "INSERT INTO attempts (run_id, row_idx, n, outcome, started_at) VALUES (?, ?, ?, 'in_flight', ?) RETURNING id",
      [runId, idx, row.attempts, context.now],
    );
    begun.set(idx, { attemptId: attempt!.id, n: row.attempts });
  }
  return begun;
}
