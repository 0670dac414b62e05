import { type Reservation, reserveSlots, type SlotRequest } from "../core/gcra.js";
import type { SqlClient } from "./sql/sqlClient.js";

/** Slots granted, on the clock of whoever keeps the limiter row. */
export interface SlotGrant extends Pick<Reservation, "firstSlotMs"> {
  /** That clock's reading when the slots were granted, to map them onto the caller's clock. */
  nowMs: number;
}

/**
 * Reserves `count` start slots of the account's shared rate (core/gcra.ts) in the journal's
 * limiter row, in one autocommit statement of its own: never inside a claim or attempt
 * transaction, which would hold the row locked for every other sender.
 *
 * PostgreSQL: core/gcra.ts's arithmetic written in SQL, so that the row is read and moved on the
 * database's clock (`clock_timestamp()`, not `now()`, the transaction's start), the one clock
 * every host sees. SQLite: every process on
 * the file is on this host, so the wall clock is shared, and the transaction is the lock.
 */
export async function reserveRateSlots(
  sql: SqlClient,
  account: string,
  request: SlotRequest,
  wallNow: () => number = wallClockMs,
): Promise<SlotGrant> {
  const { intervalMs, burst, count } = request;
  if (sql.dialect.name === "postgres") {
    const row = await sql.get<{ first_slot: number; now_ms: number }>(
      `WITH c AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now_ms)
       INSERT INTO rate_limits AS l (account, tat_ms)
         SELECT CAST(? AS TEXT), c.now_ms + CAST(? AS float8) FROM c
       ON CONFLICT (account) DO UPDATE
         SET tat_ms = greatest(l.tat_ms, (SELECT now_ms FROM c) - CAST(? AS float8))
                      + CAST(? AS float8)
       RETURNING l.tat_ms - CAST(? AS float8) AS first_slot, (SELECT now_ms FROM c) AS now_ms`,
      [
        account,
        count * intervalMs,
        (burst - 1) * intervalMs,
        count * intervalMs,
        count * intervalMs,
      ],
    );
    if (!row) throw new Error("the rate limiter row was not returned");
    return { firstSlotMs: Number(row.first_slot), nowMs: Number(row.now_ms) };
  }
  return sql.transaction(async (tx) => {
    const nowMs = wallNow();
    const row = await tx.get<{ tat_ms: number }>(
      "SELECT tat_ms FROM rate_limits WHERE account = ?",
      [account],
    );
    const next = reserveSlots(row?.tat_ms, nowMs, request);
    await tx.run(
      `INSERT INTO rate_limits (account, tat_ms) VALUES (?, ?)
       ON CONFLICT (account) DO UPDATE SET tat_ms = excluded.tat_ms`,
      [account, next.tatMs],
    );
    return { firstSlotMs: next.firstSlotMs, nowMs };
  });
}

/** Milliseconds since the epoch with a fraction: slots at 2000/s are 0.5 ms apart. */
function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
