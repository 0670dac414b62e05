import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliError, ExitCode } from "../../src/errors.js";
import { claimRun } from "../../src/journal/claimRun.js";
import { Journal } from "../../src/journal/journal.js";
import { acquireRunLock, lockHolder } from "../../src/journal/runLock.js";
import { makeTempDir } from "../support/tempDir.js";

let dir: ReturnType<typeof makeTempDir>;
let journal: Journal;
beforeEach(() => {
  dir = makeTempDir();
  journal = new Journal(join(dir.path, "j.db"));
});
afterEach(() => {
  journal.close();
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

function lockError(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error("expected the lock to be refused");
}

describe("acquireRunLock", () => {
  it("records this process as the holder, and release removes it", () => {
    const run = journal.createRun(newRun());
    const lock = acquireRunLock(journal, run.id);
    expect(lockHolder(journal, run.id)).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
    lock.release();
    expect(lockHolder(journal, run.id)).toBeUndefined();
  });

  it("refuses a run held by a live process with exit 75, naming pid, host and since when", () => {
    const run = journal.createRun(newRun());
    const held = acquireRunLock(journal, run.id, { pid: process.ppid, now: () => 0 });
    const error = lockError(() => acquireRunLock(journal, run.id));
    expect(error.exitCode).toBe(ExitCode.tempFail);
    expect(error.message).toContain(`process ${process.ppid} on host ${hostname()}`);
    expect(error.message).toContain("since 1970-01-01T00:00:00.000Z");
    expect(error.hint).toMatch(/kill/);
    held.release();
  });

  it("refuses a second lock by the same process too", () => {
    const run = journal.createRun(newRun());
    const lock = acquireRunLock(journal, run.id);
    expect(lockError(() => acquireRunLock(journal, run.id)).exitCode).toBe(75);
    lock.release();
  });

  it("takes over a lock recorded under its own pid by an earlier life of that pid", () => {
    const run = journal.createRun(newRun());
    // What a container's pid 1 leaves behind after kill -9: a row naming the pid we now have.
    journal.db
      .prepare("INSERT INTO run_locks (run_id, pid, host, acquired_at) VALUES (?, ?, ?, 0)")
      .run(run.id, process.pid, hostname());
    const lock = acquireRunLock(journal, run.id);
    expect(lockHolder(journal, run.id)?.pid).toBe(process.pid);
    lock.release();
  });

  it("takes over a lock whose holder died on this host", () => {
    const run = journal.createRun(newRun());
    acquireRunLock(journal, run.id, { pid: deadPid() });
    const lock = acquireRunLock(journal, run.id);
    expect(lockHolder(journal, run.id)?.pid).toBe(process.pid);
    lock.release();
  });

  it("refuses a lock held on another host, which it cannot check", () => {
    const run = journal.createRun(newRun());
    acquireRunLock(journal, run.id, { pid: deadPid(), host: "elsewhere" });
    const error = lockError(() => acquireRunLock(journal, run.id));
    expect(error.exitCode).toBe(75);
    expect(error.message).toContain("on host elsewhere");
    expect(error.hint).toContain("DELETE FROM run_locks");
  });

  it("locks runs independently", () => {
    const a = journal.createRun(newRun("a"));
    const b = journal.createRun(newRun("b"));
    acquireRunLock(journal, a.id, { pid: process.ppid });
    const lock = acquireRunLock(journal, b.id);
    lock.release();
  });
});

describe("claimRun", () => {
  it("creates the run already locked when none is found", () => {
    const claim = claimRun(journal, () => undefined, newRun());
    expect(claim.created).toBe(true);
    expect(claim.run.phase).toBe("preparing");
    expect(lockHolder(journal, claim.run.id)?.pid).toBe(process.pid);
    claim.lock.release();
  });

  it("locks the run it finds", () => {
    const run = journal.createRun(newRun());
    const claim = claimRun(journal, () => journal.getRun(run.id), newRun());
    expect(claim).toMatchObject({ created: false, run: { id: run.id } });
    expect(lockHolder(journal, run.id)?.pid).toBe(process.pid);
    claim.lock.release();
  });

  it("creates nothing when the run it finds is held", () => {
    const run = journal.createRun(newRun());
    acquireRunLock(journal, run.id, { pid: process.ppid });
    expect(() => claimRun(journal, () => journal.getRun(run.id), newRun())).toThrow(CliError);
    expect(journal.listRuns()).toHaveLength(1);
  });

  it("ignores a stale lock row left for an id SQLite hands out again", () => {
    const run = journal.createRun(newRun());
    acquireRunLock(journal, run.id, { pid: process.ppid });
    journal.deleteUnsentRun(run.id);
    const claim = claimRun(journal, () => undefined, newRun());
    expect(claim.run.id).toBe(run.id);
    expect(lockHolder(journal, run.id)?.pid).toBe(process.pid);
    claim.lock.release();
  });
});
