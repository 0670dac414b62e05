import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { FakeClock } from "../support/fakeClock.js";
import { noPostgres } from "../support/postgres.js";
import { runInProcess } from "../support/runCli.js";
import { useSharedJournal } from "../support/sharedJournal.js";
import { byRecipient, FROM, queryJournal } from "../support/simulatorFixture.js";

const sharedJournal = useSharedJournal();
const NY = "America/New_York";
// 22:00 in New York: inside 21:00-08:00.
const NIGHT = Date.parse("2026-12-02T03:00:00Z");

/**
 * Two senders of one run while its rows are in quiet hours: one waits the window out
 * (`--wait-quiet-hours`), the other, a cron job's, does not. The waiting one gives its claims
 * up while it sleeps, so the other stops at once with exit 4 instead of waiting for it; the rows
 * stay pending for whoever sends once the window ends.
 */
describe.skipIf(noPostgres())("quiet hours on a shared PostgreSQL journal", () => {
  it("a sender that does not wait exits 4 while another waits the window out", async () => {
    const { sim, dir, journal, env } = await sharedJournal();
    const list = join(dir, "list.csv");
    writeFileSync(list, "to,body\n+12025550101,a\n+12025550102,b\n");
    const send = (extra: string[]) =>
      ["send", list, "--run", "night", "--from", FROM, "--quiet-hours", "21:00-08:00"].concat(
        ["--timezone", NY, "--api-url", sim.url],
        extra,
      );

    const stop = new AbortController();
    const waitingClock = new FakeClock({ autoAdvance: false });
    const waiting = runInProcess(send(["--wait-quiet-hours"]), {
      env,
      clock: waitingClock,
      wallClock: () => NIGHT + waitingClock.now(),
      signal: stop.signal,
    });
    await vi.waitFor(() => expect(waitingClock.pending).toBeGreaterThan(0), { timeout: 20_000 });
    const owned = await queryJournal<{ n: number }>(
      journal,
      "SELECT count(*)::int AS n FROM rows WHERE owner IS NOT NULL AND state = 'pending'",
    );
    expect(owned).toEqual([{ n: 0 }]);

    const cron = await runInProcess(send([]), {
      env,
      clock: new FakeClock(),
      wallClock: () => NIGHT,
    });
    expect(cron.stdout).toContain("Joining run night (1 other sender): 2 rows pending.");
    expect(cron.stdout).toContain("quiet hours (21:00-08:00): 2 rows held, pending");
    expect(cron.code).toBe(4);

    stop.abort("SIGINT");
    const waited = await waiting;
    expect(waited.stderr).toContain("quiet hours: 2 rows held; waiting until");
    expect(waited.code).toBe(130);
    expect(sim.creates()).toHaveLength(0);

    // After the window, one more send sends each row once.
    const morning = await runInProcess(send([]), {
      env,
      clock: new FakeClock(),
      wallClock: () => NIGHT + 10 * 3_600_000,
    });
    expect(morning.code).toBe(0);
    expect(byRecipient(sim.messages()).map((m) => m.to)).toEqual(["+12025550101", "+12025550102"]);
  });
});
