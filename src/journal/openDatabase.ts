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
  let db: Db;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, "a", 0o600));
    db = new Database(path, { timeout: 10_000 });
  } catch (error) {
    throw cannotOpen(path, error) ?? error;
  }
  try {
    applyPragmas(db, path);
    migrate(db, path);
  } catch (error) {
    db.close();
    // A non-SQLite file or a read-only one only shows at the first statement.
    throw cannotOpen(path, error) ?? error;
  }
  return db;
}

/** What is wrong with a `--journal` path, in words; other codes (SQLITE_BUSY…) pass through. */
const CANNOT_OPEN: Record<string, string> = {
  ENOTDIR: "a part of the path is a file, not a directory",
  EEXIST: "a part of the path is a file, not a directory",
  EISDIR: "it is a directory",
  ENAMETOOLONG: "the path is too long",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the filesystem is read-only",
  SQLITE_NOTADB: "it is not a journal (not an SQLite database)",
  SQLITE_READONLY: "it is read-only",
  SQLITE_CANTOPEN: "SQLite cannot open it (or its -wal file next to it)",
  SQLITE_PERM: "permission denied",
};

function cannotOpen(path: string, error: unknown): CliError | undefined {
  if (error instanceof CliError) return undefined;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  // Extended codes (SQLITE_READONLY_DIRECTORY, SQLITE_CANTOPEN_ISDIR…) share their base's words.
  const base = code.startsWith("SQLITE_") ? code.split("_").slice(0, 2).join("_") : code;
  const what = CANNOT_OPEN[base];
  if (what === undefined) return undefined;
  return new CliError(
    `cannot open the journal ${path}: ${what} (${code})`,
    ExitCode.cantCreate,
    "Point --journal (or TWILIO_BULK_JOURNAL) at a writable file on a local disk.",
  );
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
