import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/journal.js";
import { acquireRunLock } from "../../src/journal/runLock.js";
import { runCli, runInProcess } from "../support/runCli.js";
import {
  csvList,
  FROM,
  queryJournal,
  readJournal,
  useSendFixture,
} from "../support/simulatorFixture.js";

// One process at a time per run: a second send of a run held alone exits 75 naming the holder; a
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

async function lockRows(): Promise<number> {
  const [row] = await queryJournal<{ n: number }>(
    fx.journalPath(),
    "SELECT count(*) AS n FROM run_locks",
  );
  return row!.n;
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
    expect(await lockRows()).toBe(0);
    expect((await runInProcess(args, { env: fx.env(sim) })).code).toBe(0);
    expect(await lockRows()).toBe(0);
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
    expect(await lockRows()).toBe(0);
  });
});
