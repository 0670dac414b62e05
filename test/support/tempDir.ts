import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh directory per test, removed afterwards: tests never share a journal. */
export interface TempDir {
  path: string;
  remove(): void;
}

export function makeTempDir(prefix = "twilio-bulk-test-"): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
