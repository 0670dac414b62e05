import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { noPostgres } from "../support/postgres.js";
import { runCli, startCli } from "../support/runCli.js";
import { useSharedJournal } from "../support/sharedJournal.js";
import { FROM, queryJournal } from "../support/simulatorFixture.js";
import { maxInWindow } from "../support/startTimes.js";

const RATE = 50;
const BURST = 1;
const ROWS = 240;

const sharedJournal = useSharedJournal();

/**
 * Three `send` processes on one list, one PostgreSQL journal: the first pre-flights the run, the
 * others wait for it and join; together they send every row once at the account's rate. One of
 * them is killed -9 mid-send: the others recover its rows (claimed ones pending again, the one in
 * flight in doubt) and finish the run; reconcile and a last send settle what was in doubt.
 */
describe.skipIf(noPostgres())("workers of one run on a shared PostgreSQL journal", () => {
  it("share the rows, survive a kill -9 of one of them, send nothing twice, keep the rate", async () => {
    const { sim, dir, journal, env } = await sharedJournal({ latencyMs: 40 });
    const list = join(dir, "list.csv");
    const lines = Array.from({ length: ROWS }, (_, i) => `+1202555${1000 + i},row ${i}`);
    writeFileSync(list, `to,body\n${lines.join("\n")}\n`);
    const send = ["send", list, "--from", FROM, "--rate", String(RATE), "--burst", String(BURST)];
    const args = [...send, "--api-url", sim.url];

    const workers = Array.from({ length: 3 }, () => startCli(args, { env, timeoutMs: 60_000 }));
    const victim = workers[1]!;
    // Killed once every worker has joined and sent some rows of its own.
    const deadline = Date.now() + 30_000;
    let ownedBy: { owner: string; n: number }[] = [];
    while (Date.now() < deadline) {
      ownedBy = await queryJournal<{ owner: string; n: number }>(
        journal,
        "SELECT owner, count(*) AS n FROM rows WHERE state = 'sent' GROUP BY owner",
      ).catch(() => []); // Until the first worker has created the journal's tables.
      if (ownedBy.length === 3 && ownedBy.every((o) => Number(o.n) >= 10)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ownedBy).toHaveLength(3);
    // `runs` lists the three, each with its host, pid and rows done.
    const listed = await runCli(["runs", "--json"], { env });
    const [run] = JSON.parse(listed.stdout) as { workers: { pid: number; rowsDone: number }[] }[];
    expect(run!.workers.map((w) => w.pid).sort()).toEqual(workers.map((w) => w.child.pid).sort());
    expect(run!.workers.every((w) => w.rowsDone >= 10)).toBe(true);
    victim.child.kill("SIGKILL");
    const results = await Promise.all(workers.map((w) => w.exited));
    expect(results[1]!.signal).toBe("SIGKILL");
    const survivors = [results[0]!, results[2]!];
    for (const result of survivors) expect(result.stderr).not.toMatch(/error/i);
    // The first survivor to look recovers the victim's rows, and says so.
    expect(survivors.map((r) => r.stderr).join("")).toContain(
      `by process ${victim.child.pid} on host`,
    );
    // Both joined the same run: one of them pre-flighted it, the other waited and joined.
    expect(survivors.map((r) => r.stdout).join("")).toMatch(/Joining run 1 \(\d other senders?\)/);
    // In doubt (exit 3 says so) only if the victim had a request in flight; else all sent.
    for (const result of survivors) expect([0, 3]).toContain(result.code);

    const counts = await queryJournal<{ state: string; n: number }>(
      journal,
      "SELECT state, count(*) AS n FROM rows GROUP BY state",
    );
    const byState = Object.fromEntries(counts.map((c) => [c.state, Number(c.n)]));
    expect(byState.pending ?? 0).toBe(0);
    expect((byState.sent ?? 0) + (byState.in_doubt ?? 0)).toBe(ROWS);

    const creates = sim.creates().filter((c) => c.outcome === "created");
    const arrivals = creates.map((c) => c.at).sort((a, b) => a - b);
    // Within rate + burst, plus one slot of arrival jitter (as accountRate.test.ts explains).
    expect(maxInWindow(arrivals, 1000)).toBeLessThanOrEqual(RATE + BURST + 1);

    // What was in doubt is settled, and whatever never reached the simulator is sent once.
    const reconciled = await runCli(["reconcile", "--grace", "0s", "--api-url", sim.url], { env });
    expect([0, 1]).toContain(reconciled.code);
    const last = await runCli(args, { env, timeoutMs: 30_000 });
    expect(last.code).toBe(0);
    const final = await queryJournal<{ state: string; n: number }>(
      journal,
      "SELECT state, count(*) AS n FROM rows GROUP BY state",
    );
    expect(final.map((c) => [c.state, Number(c.n)])).toEqual([["sent", ROWS]]);
    const sent = sim.creates().filter((c) => c.outcome === "created");
    expect(sent).toHaveLength(ROWS);
    expect(new Set(sent.map((c) => `${c.to}|${c.body}`)).size).toBe(ROWS);
    const runs = await queryJournal<{ n: number }>(journal, "SELECT count(*) AS n FROM runs");
    expect(Number(runs[0]!.n)).toBe(1);
  }, 120_000);
});
