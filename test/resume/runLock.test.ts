import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/journal.js";
import { acquireRunLock } from "../../src/journal/runLock.js";
import { runCli, runInProcess, startCli } from "../support/runCli.js";
import { csvList, FROM, readJournal, useSendFixture } from "../support/simulatorFixture.js";

// One process at a time per run: a second send of the same run exits 75 naming the holder; a
// lock left by a process that died is taken over; different runs share a journal freely.

const fx = useSendFixture();

/** A run of 5 rows left pending (Twilio refused the credentials), ready to be resumed. */
async function pendingRun() {
  const sim = await fx.simulator();
  const list = fx.file("list.csv", csvList(5));
  const args = ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url];
  const refused = await runInProcess(args, { env: fx.env(sim, { TWILIO_AUTH_TOKEN: "wrong" }) });
  expect(refused.code).toBe(77);
  return { sim, list, args };
}

function lockRows(): number {
  const db = new Database(fx.journalPath(), { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM run_locks").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function holdLock(options: { pid?: number; host?: string } = {}) {
  const journal = await Journal.open(fx.journalPath());
  const lock = await acquireRunLock(journal, 1, options);
  return {
    journal,
    async release() {
      await lock.release();
      await journal.close();
    },
  };
}

describe("the run lock", () => {
  it("makes a second process on the same run exit 75 at once, naming the holder", async () => {
    const { sim, args } = await pendingRun();
    const held = await holdLock();
    const before = sim.creates().length;
    try {
      const second = await runCli(args, { env: fx.env(sim) });
      expect(second.code).toBe(75);
      expect(second.stderr).toMatch(
        new RegExp(
          `run 1 is being worked on by process ${process.pid} on host ${hostname()} \\(since \\d{4}-`,
        ),
      );
      expect(second.stderr).toContain(`kill ${process.pid}`);
      expect(sim.creates()).toHaveLength(before);
    } finally {
      await held.release();
    }
    const after = await runCli(args, { env: fx.env(sim) });
    expect(after.code, after.stderr).toBe(0);
    expect(sim.messages()).toHaveLength(5);
  });

  it("is taken over when its holder died, without any clean-up", async () => {
    const { sim, args } = await pendingRun();
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    await holdLock({ pid: dead });
    const result = await runCli(args, { env: fx.env(sim) });
    expect(result.code, result.stderr).toBe(0);
    expect(sim.messages()).toHaveLength(5);
  });

  it("is refused when held on another host, with a way out", async () => {
    const { sim, args } = await pendingRun();
    await holdLock({ host: "build-7" });
    const result = await runCli(args, { env: fx.env(sim) });
    expect(result.code).toBe(75);
    expect(result.stderr).toContain("on host build-7");
    expect(result.stderr).toContain("--break-lock");
    expect(result.stderr).not.toContain("sqlite3");
  });

  it("is released when send ends, whatever the outcome", async () => {
    const { sim, args } = await pendingRun();
    expect(lockRows()).toBe(0);
    expect((await runInProcess(args, { env: fx.env(sim) })).code).toBe(0);
    expect(lockRows()).toBe(0);
  });

  it("lets only one of two sends started together on a new list create and send it", async () => {
    const sim = await fx.simulator({ latencyMs: 5 });
    const list = fx.file("list.csv", csvList(50));
    const args = ["send", list, "--from", FROM, "--rate", "500", "--api-url", sim.url];
    const [a, b] = await Promise.all([
      runCli(args, { env: fx.env(sim) }),
      runCli(args, { env: fx.env(sim) }),
    ]);
    // The loser either found the run held (75) or, started later, found it finished (0).
    expect([a.code, b.code].sort()).toContainEqual(0);
    for (const r of [a, b]) expect([0, 75], r.stderr).toContain(r.code);
    const runs = await runInProcess(["runs", "--json", "--journal", fx.journalPath()]);
    expect(JSON.parse(runs.stdout)).toHaveLength(1);
    expect(sim.messages()).toHaveLength(50);
  });
});

describe("two different runs on one journal at the same time", () => {
  it("both finish, with no SQLITE_BUSY", async () => {
    const sim = await fx.simulator({ latencyMs: 2 });
    const one = fx.file("one.csv", csvList(150, "one"));
    const two = fx.file("two.csv", csvList(150, "two"));
    const send = (list: string) =>
      runCli(
        ["send", list, "--from", FROM, "--rate", "2000", "--concurrency", "20"].concat([
          "--api-url",
          sim.url,
        ]),
        { env: fx.env(sim) },
      );
    const [a, b] = await Promise.all([send(one), send(two)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(`${a.stderr}${b.stderr}`).not.toMatch(/SQLITE_BUSY|database is locked/);
    expect(sim.messages()).toHaveLength(300);
    expect((await readJournal(fx.journalPath())).rows.every((r) => r.state === "sent")).toBe(true);
  });
});

interface LockRow {
  pid: number;
  host: string;
  renewed_at: number;
  lease_ms: number;
}

/** The lock row of run 1 as another process sees it; undefined before the journal has one. */
function lockRow(): LockRow | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(fx.journalPath(), { readonly: true, fileMustExist: true });
    return db.prepare("SELECT * FROM run_locks WHERE run_id = 1").get() as LockRow | undefined;
  } catch {
    return undefined; // Not created yet, or not migrated yet.
  } finally {
    db?.close();
  }
}

/** Waits for something a child process brings about; the test's timeout bounds it. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
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
      await until(() => lockRow()?.host === "pod-a");
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
    const left = lockRow();
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
    expect(lockRow()).toBeUndefined();
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

describe("--break-lock", () => {
  it("lets retry and reconcile take a run over from a holder they cannot check, recovering its attempts in flight as in doubt", async () => {
    const { sim } = await pendingRun();
    const held = await holdLock({ host: "build-7" });
    await held.journal.beginAttempt(1, 0);
    const env = fx.env(sim, { TWILIO_BULK_API_URL: sim.url });
    try {
      const refused = await runCli(["retry", "--state", "pending"], { env });
      expect(refused.code).toBe(75);
      expect(refused.stderr).toContain("--break-lock");

      const retried = await runCli(["retry", "--state", "pending", "--break-lock"], { env });
      // Retry judges the rows it retried: the one in doubt is reconcile's.
      expect(retried.code, retried.stderr).toBe(0);
      expect(retried.stderr).toMatch(
        /warning: --break-lock took the lock of run 1 from process \d+ on host build-7 .*rows could be sent twice/,
      );
      expect(retried.stdout).toContain("1 rows were in flight when the last process stopped");
      expect(sim.messages()).toHaveLength(4);
      expect(retried.stdout).not.toContain("--break-lock");

      const again = await holdLock({ host: "build-8" });
      const reconciled = await runCli(["reconcile", "--break-lock", "--grace", "0s"], { env });
      expect(reconciled.stderr).toContain("--break-lock took the lock of run 1 from process");
      expect(reconciled.stderr).toContain("on host build-8");
      expect(reconciled.code, reconciled.stderr).not.toBe(75);
      // Its lookup did not find the row in doubt, which goes back to pending (grace 0).
      expect((await readJournal(fx.journalPath())).rows[0]?.state).toBe("pending");
      await again.release();
    } finally {
      await held.release();
    }
    expect(lockRows()).toBe(0);
  });
});
