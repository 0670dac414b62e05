import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { CliError, ExitCode } from "../errors.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";

export type Db = Database.Database;

/**
 * Opens (creating when needed) a journal file with the pragmas every write depends on.
 * The file is created 0600 before SQLite touches it: its -wal and -shm files inherit that mode,
 * and the journal holds phone numbers and message bodies.
 */
export function openDatabase(path: string): Db {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, "a", 0o600));
  let db: Db;
  try {
    db = new Database(path, { timeout: 10_000 });
  } catch (error) {
    throw new CliError(
      `cannot open the journal ${path}: ${(error as Error).message}`,
      ExitCode.cantCreate,
    );
  }
  try {
    applyPragmas(db, path);
    migrate(db, path);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function applyPragmas(db: Db, path: string): void {
  const mode = db.pragma("journal_mode = WAL", { simple: true });
  if (mode !== "wal") {
    throw new CliError(
      `the journal ${path} could not be put in WAL mode (got ${String(mode)})`,
      ExitCode.cantCreate,
      "Keep the journal on a local filesystem (not NFS or SMB): use --journal <path>.",
    );
  }
  // better-sqlite3 leaves WAL databases at NORMAL, which can lose the last commits on power
  // loss: a lost "attempt in flight" record is exactly what lets a message be sent twice.
  db.pragma("synchronous = FULL");
  const sync = db.pragma("synchronous", { simple: true });
  if (sync !== 2) {
    throw new CliError(`the journal ${path} refused synchronous=FULL (got ${String(sync)})`, 70);
  }
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 10000");
}

function migrate(db: Db, path: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new CliError(
      `the journal ${path} has schema version ${version}; this twilio-bulk knows up to ${SCHEMA_VERSION}`,
      ExitCode.config,
      "Upgrade twilio-bulk, or point --journal at another file.",
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    const current = db.pragma("user_version", { simple: true }) as number;
    for (let v = current; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v]!);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
