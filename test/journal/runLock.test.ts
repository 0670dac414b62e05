import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliError, ExitCode } from "../../src/errors.js";
import { claimRun } from "../../src/journal/claimRun.js";
import { Journal } from "../../src/journal/journal.js";
import { describeTakeOver } from "../../src/journal/lockMessages.js";
import {
  acquireRunLock,
  DEFAULT_LEASE_MS,
  lockHolder,
  type TakeOver,
} from "../../src/journal/runLock.js";
import { FENCED } from "../../src/journal/runLockFence.js";
import { pendingRow } from "../support/journalRows.js";
import { makeTempDir } from "../support/tempDir.js";

let dir: ReturnType<typeof makeTempDir>;
let journal: Journal;
beforeEach(async () => {
  dir = makeTempDir();
  journal = await Journal.open(join(dir.path, "j.db"));
});
afterEach(async () => {
  await journal.close();
  dir.remove();
});

const newRun = (identity = "id") => ({
  name: null,
  inputPath: "list.csv",
  inputFormat: "csv",
  options: {},
  identity,
});

/** A pid that surely belongs to no process: one that has just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid!;
}

async function lockError(attempt: Promise<unknown>): Promise<CliError> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error("expected the lock to be refused");
}

const holder = (runId: number) => lockHolder(journal.sql, runId);

describe("acquireRunLock", () => {
  it("records this process as the holder, and release removes it", async () => {
    const run = await journal.createRun(newRun());
    const lock = await acquireRunLock(journal, run.id);
    expect(await holder(run.id)).toMatchObject({ pid: process.pid, host: hostname() });
    await lock.release();
    await lock.release();
    expect(await holder(run.id)).toBeUndefined();
  });

  it("refuses a run held by a live process with exit 75, naming pid, host and since when", async () => {
    const run = await journal.createRun(newRun());
    const since = Date.now();
    const held = await acquireRunLock(journal, run.id, { pid: process.ppid, now: () => since });
    const error = await lockError(acquireRunLock(journal, run.id));
    expect(error.exitCode).toBe(ExitCode.tempFail);
    expect(error.message).toContain(`process ${process.ppid} on host ${hostname()}`);
    expect(error.message).toContain(`since ${new Date(since).toISOString()}`);
    expect(error.hint).toMatch(/kill/);
    await held.release();
  });

  it("refuses a second lock by the same process too", async () => {
    const run = await journal.createRun(newRun());
    const lock = await acquireRunLock(journal, run.id);
    expect((await lockError(acquireRunLock(journal, run.id))).exitCode).toBe(75);
    await lock.release();
  });

  it("takes over a lock recorded under its own pid by an earlier life of that pid", async () => {
    const run = await journal.createRun(newRun());
    // What a container's pid 1 leaves behind after kill -9: a row naming the pid we now have.
    journal.db
      .prepare("INSERT INTO run_locks (run_id, pid, host, acquired_at) VALUES (?, ?, ?, 0)")
      .run(run.id, process.pid, hostname());
    const lock = await acquireRunLock(journal, run.id);
    expect((await holder(run.id))?.pid).toBe(process.pid);
    await lock.release();
  });

  it("takes over a lock whose holder died on this host", async () => {
    const run = await journal.createRun(newRun());
    await acquireRunLock(journal, run.id, { pid: deadPid() });
    const lock = await acquireRunLock(journal, run.id);
    expect((await holder(run.id))?.pid).toBe(process.pid);
    await lock.release();
  });

  it("refuses a lock held on another host while its lease runs, saying when it lapses", async () => {
    const run = await journal.createRun(newRun());
    const at = Date.now();
    await acquireRunLock(journal, run.id, { pid: deadPid(), host: "elsewhere", now: () => at });
    const error = await lockError(acquireRunLock(journal, run.id));
    expect(error.exitCode).toBe(75);
    expect(error.message).toContain("on host elsewhere");
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(error.message).toContain(`last heartbeat ${iso(at)}`);
    expect(error.message).toContain(`its lease lapses at ${iso(at + DEFAULT_LEASE_MS)}`);
    expect(error.hint).toContain("--break-lock");
    expect(error.hint).toContain("sent twice");
    expect(error.hint).not.toContain("DELETE");
  });

  it("takes over a lock on another host whose lease lapsed, telling whom it took it from", async () => {
    const run = await journal.createRun(newRun());
    const past = Date.now() - 2 * DEFAULT_LEASE_MS;
    await acquireRunLock(journal, run.id, { pid: 4242, host: "pod-a", now: () => past });
    const taken: TakeOver[] = [];
    const lock = await acquireRunLock(journal, run.id, { onTakeOver: (t) => taken.push(t) });
    expect(taken).toEqual([
      {
        runId: run.id,
        why: "lapsed",
        holder: expect.objectContaining({ pid: 4242, host: "pod-a" }),
      },
    ]);
    expect(describeTakeOver(taken[0]!)).toMatch(
      /took over the lock of run \d+ from process 4242 on host pod-a \(held since .*\): its lease lapsed at /,
    );
    expect(await holder(run.id)).toMatchObject({ pid: process.pid, host: hostname() });
    await lock.release();
  });

  it("judges the lease by the holder's length, not its own", async () => {
    const run = await journal.createRun(newRun());
    const at = Date.now() - 5000;
    await acquireRunLock(journal, run.id, {
      host: "pod-a",
      pid: 1,
      leaseMs: 10_000,
      now: () => at,
    });
    expect((await lockError(acquireRunLock(journal, run.id, { leaseMs: 1000 }))).exitCode).toBe(75);
  });

  it("refuses a lock on another host that has no lease (an older twilio-bulk's), pointing at --break-lock", async () => {
    const run = await journal.createRun(newRun());
    journal.db
      .prepare("INSERT INTO run_locks (run_id, pid, host, acquired_at) VALUES (?, 7, 'old-box', 0)")
      .run(run.id);
    const error = await lockError(acquireRunLock(journal, run.id));
    expect(error.message).toContain("process 7 on host old-box (since 1970-01-01T00:00:00.000Z)");
    expect(error.hint).toContain("no heartbeat");
    expect(error.hint).toContain("--break-lock");
  });

  it("with breakLock takes over a live holder, saying rows could be sent twice", async () => {
    const run = await journal.createRun(newRun());
    await acquireRunLock(journal, run.id, { pid: process.ppid, host: "pod-b" });
    const taken: TakeOver[] = [];
    const lock = await acquireRunLock(journal, run.id, {
      breakLock: true,
      onTakeOver: (t) => taken.push(t),
    });
    expect(taken.map((t) => t.why)).toEqual(["broken"]);
    expect(describeTakeOver(taken[0]!)).toMatch(
      /warning: --break-lock .* rows could be sent twice/,
    );
    await lock.release();
  });

  it("locks runs independently", async () => {
    const a = await journal.createRun(newRun("a"));
    const b = await journal.createRun(newRun("b"));
    await acquireRunLock(journal, a.id, { pid: process.ppid });
    const lock = await acquireRunLock(journal, b.id);
    await lock.release();
  });
});

describe("claimRun", () => {
  it("creates the run already locked when none is found", async () => {
    const claim = await claimRun(journal, async () => undefined, newRun());
    expect(claim.created).toBe(true);
    expect(claim.run.phase).toBe("preparing");
    expect((await holder(claim.run.id))?.pid).toBe(process.pid);
    await claim.lock.release();
  });

  it("locks the run it finds", async () => {
    const run = await journal.createRun(newRun());
    const claim = await claimRun(journal, (tx) => journal.getRun(run.id, tx), newRun());
    expect(claim).toMatchObject({ created: false, run: { id: run.id } });
    expect((await holder(run.id))?.pid).toBe(process.pid);
    await claim.lock.release();
  });

  it("creates nothing when the run it finds is held", async () => {
    const run = await journal.createRun(newRun());
    await acquireRunLock(journal, run.id, { pid: process.ppid });
    await expect(claimRun(journal, (tx) => journal.getRun(run.id, tx), newRun())).rejects.toThrow(
      CliError,
    );
    expect(await journal.listRuns()).toHaveLength(1);
  });

  it("ignores a stale lock row left for an id SQLite hands out again", async () => {
    const run = await journal.createRun(newRun());
    await acquireRunLock(journal, run.id, { pid: process.ppid });
    await journal.deleteUnsentRun(run.id);
    const claim = await claimRun(journal, async () => undefined, newRun());
    expect(claim.run.id).toBe(run.id);
    expect((await holder(run.id))?.pid).toBe(process.pid);
    await claim.lock.release();
  });
});

describe("the lease", () => {
  it("is renewed by a heartbeat while the lock is held, and not after release", async () => {
    const run = await journal.createRun(newRun());
    let clock = 1_000;
    const lock = await acquireRunLock(journal, run.id, { leaseMs: 40, now: () => clock });
    clock = 2_000;
    await until(async () => (await holder(run.id))?.renewedAt === 2_000);
    expect((await holder(run.id))?.acquiredAt).toBe(1_000);
    await lock.release();
    expect(await holder(run.id)).toBeUndefined();
  });

  it("once taken over: the heartbeat aborts `lost` (exit 75, naming the new holder) and no new attempt is recorded", async () => {
    const run = await journal.createRun(newRun());
    await journal.insertRows(run.id, [pendingRow(0), pendingRow(1)]);
    const lock = await acquireRunLock(journal, run.id, { leaseMs: 40 });
    const first = await journal.beginAttempt(run.id, 0);
    expect(first.n).toBe(1);

    const other = await Journal.open(journal.path);
    const taker = await acquireRunLock(other, run.id, { breakLock: true, pid: 99, host: "pod-b" });
    // The fence holds before any heartbeat: the attempt is refused in its own transaction.
    await expect(journal.beginAttempt(run.id, 1)).rejects.toThrow(FENCED);
    await until(() => lock.lost.aborted);
    const reason = lock.lost.reason as CliError;
    expect(reason.exitCode).toBe(75);
    expect(reason.message).toMatch(/was taken over by process 99 on host pod-b/);
    expect(await lock.check()).toBe(false);
    // Release leaves the new holder's lock alone.
    await lock.release();
    expect((await holder(run.id))?.pid).toBe(99);
    expect(other.db.prepare("SELECT count(*) AS n FROM attempts").get()).toEqual({ n: 1 });
    await taker.release();
    await other.close();
  });
});

/** Waits for a condition the code under test brings about by itself (a timer), never for a time. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
}
