import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { noPostgres } from "../support/postgres.js";
import { startCli } from "../support/runCli.js";
import { useSharedJournal } from "../support/sharedJournal.js";
import { FROM, queryJournal } from "../support/simulatorFixture.js";

const ROWS = 30;

const sharedJournal = useSharedJournal();

/**
 * Two senders of one run against an account that refuses most requests with 429: each has rows
 * of its own waiting to be retried while the other still holds rows. Neither waits for the
 * other to retry its own: both finish, every row sent once.
 */
describe.skipIf(noPostgres())("retries of workers on a shared PostgreSQL journal", () => {
  it("each worker retries its own rate-limited rows while its peer still holds rows", async () => {
    const { sim, dir, journal, env } = await sharedJournal({ mps: 4, retryAfterSeconds: 1 });
    const list = join(dir, "list.csv");
    const lines = Array.from({ length: ROWS }, (_, i) => `+1202555${1000 + i},row ${i}`);
    writeFileSync(list, `to,body\n${lines.join("\n")}\n`);
    // A rate of 20 claims 5 rows at a time: both workers hold some while the 429s come.
    const args = ["send", list, "--from", FROM, "--rate", "20", "--max-attempts", "30"];
    const workers = [0, 1].map(() =>
      startCli([...args, "--api-url", sim.url], { env, timeoutMs: 50_000 }),
    );
    const results = await Promise.all(workers.map((w) => w.exited));
    for (const result of results) expect(result.stderr).not.toMatch(/error/i);
    expect(results.map((r) => [r.code, r.signal])).toEqual([
      [0, null],
      [0, null],
    ]);

    const owners = await queryJournal<{ owner: string }>(
      journal,
      "SELECT DISTINCT owner FROM rows WHERE state = 'sent'",
    );
    expect(owners).toHaveLength(2);
    expect(sim.creates().some((c) => c.outcome === "429")).toBe(true);
    const sent = sim.creates().filter((c) => c.outcome === "created");
    expect(sent).toHaveLength(ROWS);
    expect(new Set(sent.map((c) => `${c.to}|${c.body}`)).size).toBe(ROWS);
  }, 60_000);
});
