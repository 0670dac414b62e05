import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { runCli, startCli } from "../support/runCli.js";
import {
  csvList,
  FROM,
  queryJournal,
  readJournal,
  useSendFixture,
} from "../support/simulatorFixture.js";

// A send holding its run's lock alone, as on a SQLite journal (on a PostgreSQL one a run's
// senders share it: test/scale/workers.test.ts): a second send exits 75 while the holder lives,
// takes the run over once a killed holder's lease lapses, and fences a holder it broke.

const fx = useSendFixture();

interface LockRow {
  pid: number;
  host: string;
  renewed_at: number;
  lease_ms: number;
}

/** The lock row of run 1 as another process sees it; undefined before the journal has one. */
async function lockRow(): Promise<LockRow | undefined> {
  try {
    const [row] = await queryJournal<LockRow>(
      fx.journalPath(),
      "SELECT * FROM run_locks WHERE run_id = 1",
    );
    return row;
  } catch {
    return undefined; // Not created yet, or not migrated yet.
  }
}

/** Waits for something a child process brings about; the test's timeout bounds it. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Every recipient got at most one message. */
function sentOnce(sim: { messages(): { to: string }[] }): boolean {
  const tos = sim.messages().map((m) => m.to);
  return new Set(tos).size === tos.length;
}

// Two hosts sharing a journal (a container that gets a new hostname each run): a child process
// claims another host's name through a test-only variable.
describe("the lock's lease, across hosts", () => {
  const pod = (extra: Record<string, string> = {}) => ({
    TWILIO_BULK_TEST_HOSTNAME: "pod-a",
    ...extra,
  });

  it("keeps a live holder's run: a second process exits 75 naming pid, host, since, heartbeat and lapse", async () => {
    const sim = await fx.simulator({ latencyMs: 100 });
    const list = fx.file("list.csv", csvList(100));
    const args = ["send", list, "--from", FROM, "--rate", "5", "--api-url", sim.url];
    const holder = startCli(args, { env: fx.env(sim, pod()) });
    try {
      await until(async () => (await lockRow())?.host === "pod-a");
      const second = await runCli(args, { env: fx.env(sim) });
      expect(second.code, second.stderr).toBe(75);
      expect(second.stderr).toMatch(
        new RegExp(
          `run 1 is being worked on by process ${holder.child.pid} on host pod-a \\(since \\S+; last heartbeat \\S+, its lease lapses at \\S+ unless renewed\\)`,
        ),
      );
      expect(second.stderr).toContain("--break-lock");
    } finally {
      holder.child.kill("SIGKILL");
      await holder.exited;
    }
  });

  it("is taken over from any host once a killed holder's lease lapses, naming who held it", async () => {
    const sim = await fx.simulator({ latencyMs: 50 });
    const list = fx.file("list.csv", csvList(60));
    const args = ["send", list, "--from", FROM, "--rate", "20", "--api-url", sim.url];
    const holder = startCli(args, { env: fx.env(sim, pod({ TWILIO_BULK_LOCK_LEASE: "1s" })) });
    await until(() => sim.creates().length >= 3);
    holder.child.kill("SIGKILL");
    expect((await holder.exited).signal).toBe("SIGKILL");
    const left = await lockRow();
    expect(left).toMatchObject({ pid: holder.child.pid, host: "pod-a", lease_ms: 1000 });
    await until(() => Date.now() > left!.renewed_at + left!.lease_ms);

    const next = await runCli(args, { env: fx.env(sim) });
    expect([0, 3], next.stderr).toContain(next.code);
    expect(next.stderr).toMatch(
      new RegExp(
        `took over the lock of run 1 from process ${holder.child.pid} on host pod-a \\(held since .*\\): its lease lapsed at `,
      ),
    );
    expect(sentOnce(sim)).toBe(true);
    expect(await lockRow()).toBeUndefined();
  });

  it("fences a holder whose lock was taken: it starts nothing more and exits 75", async () => {
    const sim = await fx.simulator({ latencyMs: 100 });
    const list = fx.file("list.csv", csvList(150));
    const args = ["send", list, "--from", FROM, "--rate", "50", "--api-url", sim.url];
    const first = startCli(args, { env: fx.env(sim, { TWILIO_BULK_LOCK_LEASE: "2s" }) });
    await until(() => sim.creates().length >= 5);
    const breaker = await runCli([...args, "--break-lock"], { env: fx.env(sim) });
    const fenced = await first.exited;

    expect(fenced.code, fenced.stderr).toBe(75);
    expect(fenced.stderr).toMatch(/the lock of run 1 was taken over by process \d+ on host /);
    expect(breaker.stderr).toContain(
      `warning: --break-lock took the lock of run 1 from process ${first.child.pid} on host ${hostname()}`,
    );
    expect(breaker.stderr).toContain("rows could be sent twice");
    expect([0, 3], breaker.stderr).toContain(breaker.code);
    // The fenced process's requests in flight were recovered in doubt, not sent again.
    expect(sentOnce(sim)).toBe(true);
    const rows = (await readJournal(fx.journalPath())).rows;
    expect(rows.filter((r) => r.state === "pending")).toEqual([]);
  });
});
