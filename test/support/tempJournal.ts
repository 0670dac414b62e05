import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { Journal } from "../../src/journal/journal.js";
import { makeTempDir, type TempDir } from "./tempDir.js";

/**
 * A fresh SQLite journal file in a temporary directory for each test, closed and removed after
 * it; handed to `opened` before each test, with its directory.
 */
export function useTempJournal(opened: (journal: Journal, dir: TempDir) => void): void {
  let dir: TempDir;
  let journal: Journal;
  beforeEach(async () => {
    dir = makeTempDir();
    journal = await Journal.open(join(dir.path, "journal.db"));
    opened(journal, dir);
  });
  afterEach(async () => {
    await journal.close();
    dir.remove();
  });
}
