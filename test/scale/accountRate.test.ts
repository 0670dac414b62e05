import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { noPostgres } from "../support/postgres.js";
import { runCli } from "../support/runCli.js";
import { useSharedJournal } from "../support/sharedJournal.js";
import { FROM } from "../support/simulatorFixture.js";
import { maxInWindow } from "../support/startTimes.js";

const RATE = 50;
const BURST = 1;
const SENDERS = 3;
const ROWS_EACH = 40;

const sharedJournal = useSharedJournal();

/**
 * Three `send` processes of one account on one PostgreSQL journal, each with a list (a run) of
 * its own, as three cron jobs on three hosts would be: `--rate` is the account's, so together
 * they start no more than it, judged by the arrival times at the simulator.
 */
describe.skipIf(noPostgres())("the account's rate on a shared PostgreSQL journal", () => {
  it("holds across three send processes: every 1 s window of arrivals within rate + burst (+1 of jitter), nothing twice", async () => {
    const { sim, dir, env } = await sharedJournal();
    const lists = Array.from({ length: SENDERS }, (_, s) => {
      const path = join(dir, `list${s}.csv`);
      const lines = Array.from(
        { length: ROWS_EACH },
        (_, i) => `+1202555${String(1000 + s * 100 + i)},sender ${s} row ${i}`,
      );
      writeFileSync(path, `to,body\n${lines.join("\n")}\n`);
      return path;
    });
    const results = await Promise.all(
      lists.map((list) =>
        runCli(
          ["send", list, "--from", FROM, "--rate", String(RATE), "--burst", String(BURST)].concat([
            "--api-url",
            sim.url,
          ]),
          { env, timeoutMs: 60_000 },
        ),
      ),
    );
    for (const result of results) expect(result.stderr).not.toMatch(/error/i);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);

    const creates = sim.creates().filter((c) => c.outcome === "created");
    expect(creates).toHaveLength(SENDERS * ROWS_EACH);
    expect(new Set(creates.map((c) => `${c.to}|${c.body}`)).size).toBe(SENDERS * ROWS_EACH);
    const arrivals = creates.map((c) => c.at).sort((a, b) => a - b);
    // The limiter bounds the starts; arrivals add the path's jitter, up to ±15 ms here while
    // three processes start on two cores, which at 50/s is at most one slot more.
    expect(maxInWindow(arrivals, 1000)).toBeLessThanOrEqual(RATE + BURST + 1);
    // Together at the account's rate, not three times it.
    const spanMs = (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0);
    expect(spanMs).toBeGreaterThan(((SENDERS * ROWS_EACH - BURST - 1) * 1000) / RATE - 50);
  }, 90_000);
});
