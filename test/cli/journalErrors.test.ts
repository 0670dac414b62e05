import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reportError } from "../../src/cli/reportError.js";
import { Journal } from "../../src/journal/journal.js";
import { runInProcess, textSink } from "../support/runCli.js";
import { FROM } from "../support/simulatorFixture.js";
import { makeTempDir } from "../support/tempDir.js";

// A `--journal` the CLI cannot use is the user's mistake (exit 73, what and what to do); a
// journal another process holds is a temporary failure (exit 75). Neither prints a stack.

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.remove());

/** A dry run: it creates the journal, and needs no credentials and no server. */
function dryRun(journal: string) {
  const list = join(temp.path, "list.csv");
  writeFileSync(list, "to,body\n+12025551000,hi\n");
  return runInProcess(["send", list, "--from", FROM, "--dry-run", "--journal", journal], {
    env: { HOME: temp.path },
  });
}

function expectCannotOpen(result: { code: number; stderr: string }, journal: string, what: RegExp) {
  expect(result.code, result.stderr).toBe(73);
  expect(result.stderr).toContain(`twilio-bulk: cannot open the journal ${journal}: `);
  expect(result.stderr).toMatch(what);
  expect(result.stderr).toContain("Point --journal (or TWILIO_BULK_JOURNAL) at a writable file");
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe("a --journal that cannot be opened (exit 73)", () => {
  it("a path under a regular file", async () => {
    writeFileSync(join(temp.path, "file"), "x");
    for (const journal of [join(temp.path, "file", "j.db"), join(temp.path, "file", "a", "j.db")]) {
      expectCannotOpen(await dryRun(journal), journal, /a part of the path is a file/);
    }
  });

  it("a directory", async () => {
    const journal = join(temp.path, "dir");
    mkdirSync(journal);
    expectCannotOpen(await dryRun(journal), journal, /it is a directory/);
  });

  it("a file that is not an SQLite database", async () => {
    const journal = join(temp.path, "notes.txt");
    writeFileSync(journal, "these are my notes, not a journal\n".repeat(200));
    expectCannotOpen(await dryRun(journal), journal, /not an SQLite database/);
  });

  // Root may write anywhere: permissions prove nothing there.
  it.skipIf(process.getuid?.() === 0)("a read-only file, a read-only directory", async () => {
    const file = join(temp.path, "ro.db");
    await (await Journal.open(file)).close();
    chmodSync(file, 0o400);
    expectCannotOpen(await dryRun(file), file, /permission denied|read-only/);
    const dir = join(temp.path, "ro");
    mkdirSync(dir, { mode: 0o500 });
    const inDir = join(dir, "j.db");
    expectCannotOpen(await dryRun(inDir), inDir, /permission denied|read-only/);
  });
});

describe("a journal another process holds past the busy timeout (exit 75)", () => {
  it("maps better-sqlite3's SQLITE_BUSY to a temporary failure with a hint", async () => {
    const path = join(temp.path, "j.db");
    await (await Journal.open(path)).close();
    const holder = new Database(path);
    const waiter = new Database(path, { timeout: 0 });
    let busy: unknown;
    try {
      holder.exec("BEGIN IMMEDIATE");
      try {
        waiter.exec("BEGIN IMMEDIATE");
      } catch (error) {
        busy = error;
      }
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
      waiter.close();
    }
    expect((busy as { code?: string }).code).toBe("SQLITE_BUSY");

    const stderr = textSink();
    const env = { stderr } as unknown as Parameters<typeof reportError>[1];
    expect(reportError(busy, env)).toBe(75);
    expect(stderr.text()).toContain("twilio-bulk: the journal is busy (SQLITE_BUSY");
    expect(stderr.text()).toMatch(/Another process is writing to the journal.*try again/);
    expect(stderr.text()).not.toMatch(/internal error|\n\s+at /);
  });
});
