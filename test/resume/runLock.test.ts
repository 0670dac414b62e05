import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/journal.js";
import { acquireRunLock } from "../../src/journal/runLock.js";
import { runCli, runInProcess } from "../support/runCli.js";
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

function holdLock(options: { pid?: number; host?: string } = {}) {
  const journal = new Journal(fx.journalPath());
  const lock = acquireRunLock(journal, 1, options);
  return {
    release() {
      lock.release();
      journal.close();
    },
  };
}

describe("the run lock", () => {
  it("makes a second process on the same run exit 75 at once, naming the holder", async () => {
    const { sim, args } = await pendingRun();
    const held = holdLock();
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
      held.release();
    }
    const after = await runCli(args, { env: fx.env(sim) });
    expect(after.code, after.stderr).toBe(0);
    expect(sim.messages()).toHaveLength(5);
  });

  it("is taken over when its holder died, without any clean-up", async () => {
    const { sim, args } = await pendingRun();
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    holdLock({ pid: dead });
    const result = await runCli(args, { env: fx.env(sim) });
    expect(result.code, result.stderr).toBe(0);
    expect(sim.messages()).toHaveLength(5);
  });

  it("is refused when held on another host, with a way out", async () => {
    const { sim, args } = await pendingRun();
    holdLock({ host: "build-7" });
    const result = await runCli(args, { env: fx.env(sim) });
    expect(result.code).toBe(75);
    expect(result.stderr).toContain("on host build-7");
    expect(result.stderr).toContain("DELETE FROM run_locks WHERE run_id = 1");
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
    expect(readJournal(fx.journalPath()).rows.every((r) => r.state === "sent")).toBe(true);
  });
});
