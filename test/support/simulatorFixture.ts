import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach } from "vitest";
import { isPostgresUrl } from "../../src/journal/postgresUrl.js";
import { PgClient } from "../../src/journal/sql/pgClient.js";
import type { SimulatorOptions } from "../../src/simulator/simulatorOptions.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/startSimulator.js";
import { freshPostgresJournal } from "./postgres.js";
import { makeTempDir } from "./tempDir.js";

/**
 * The journal the CLI tests send with: a file of the test's directory, or, in the `postgres`
 * test project (vitest.config.ts), a PostgreSQL database of the test's own.
 */
export const TEST_BACKEND =
  process.env.TWILIO_BULK_TEST_BACKEND === "postgres" ? "postgres" : "sqlite";

/** A sender every simulator accepts (Twilio's magic "valid" test number). */
export const FROM = "+15005550006";

export interface SendFixture {
  /** Starts a simulator that is closed after the test. */
  simulator(options?: SimulatorOptions): Promise<RunningSimulator>;
  /** The test's own directory, removed after it. */
  dir(): string;
  /** Writes a file into the test's directory and returns its path. */
  file(name: string, content: string | Buffer): string;
  /** The test's journal: a file, or a PostgreSQL URL in the `postgres` project. */
  journalPath(): string;
  /** TWILIO_* credentials for a simulator, plus the journal: the environment of a send. */
  env(sim: RunningSimulator, extra?: Record<string, string | undefined>): Record<string, string>;
}

/**
 * Per test: a temp directory with its journal, and simulators that are closed afterwards, so
 * every test stands alone and stops by itself.
 */
export function useSendFixture(): SendFixture {
  const running: RunningSimulator[] = [];
  let temp: ReturnType<typeof makeTempDir> | undefined;
  let journalUrl: string | undefined;
  beforeEach(async () => {
    temp = makeTempDir();
    journalUrl = TEST_BACKEND === "postgres" ? await freshPostgresJournal() : undefined;
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((sim) => sim.close()));
    temp?.remove();
    temp = undefined;
  });
  const dir = () => {
    if (!temp) throw new Error("useSendFixture: only inside a test");
    return temp.path;
  };
  return {
    async simulator(options = {}) {
      const sim = await startSimulator(options);
      running.push(sim);
      return sim;
    },
    dir,
    file(name, content) {
      const path = join(dir(), name);
      writeFileSync(path, content);
      return path;
    },
    journalPath: () => journalUrl ?? join(dir(), "journal.db"),
    env(sim, extra = {}) {
      const env: Record<string, string> = {
        TWILIO_ACCOUNT_SID: sim.accountSid,
        TWILIO_AUTH_TOKEN: sim.authToken,
        TWILIO_BULK_JOURNAL: journalUrl ?? join(dir(), "journal.db"),
      };
      for (const [key, value] of Object.entries(extra)) {
        if (value === undefined) delete env[key];
        else env[key] = value;
      }
      return env;
    },
  };
}

/** A CSV of `n` distinct recipients (+1202555xxxx) with a body column. */
export function csvList(n: number, body = "hello"): string {
  const lines = ["to,first_name,body"];
  for (let i = 0; i < n; i++) lines.push(`+1202555${String(1000 + i)},Name${i},${body}`);
  return `${lines.join("\n")}\n`;
}

/** A port nothing listens on: bound by us, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

export interface JournalRow {
  idx: number;
  line: number;
  to_number: string | null;
  state: string;
  reason: string | null;
  attempts: number;
  http_status: number | null;
  error_code: number | null;
  error_message: string | null;
  sid: string | null;
  twilio_status: string | null;
}

export interface JournalAttempt {
  row_idx: number;
  n: number;
  outcome: string;
  http_status: number | null;
  error_code: number | null;
  sid: string | null;
}

/** Rows of one query on the journal as a command left it: a file (read-only) or a PostgreSQL URL. */
export async function queryJournal<T>(
  path: string,
  sql: string,
  params: readonly (string | number)[] = [],
): Promise<T[]> {
  if (isPostgresUrl(path)) {
    const client = PgClient.connect(path, { max: 1 });
    try {
      return await client.all<T>(sql, params);
    } finally {
      await client.close();
    }
  }
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/**
 * Changes the journal behind the commands' backs, as a crash or the passing of time would: one
 * statement with `?` placeholders, on a file or a PostgreSQL URL alike.
 */
export async function changeJournal(
  path: string,
  sql: string,
  params: readonly (string | number)[] = [],
): Promise<void> {
  if (isPostgresUrl(path)) {
    const client = PgClient.connect(path, { max: 1 });
    try {
      await client.run(sql, params);
    } finally {
      await client.close();
    }
    return;
  }
  const db = new Database(path);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

/** The journal as `send` left it, read with plain SQL (not through our Journal). */
export async function readJournal(
  path: string,
): Promise<{ rows: JournalRow[]; attempts: JournalAttempt[] }> {
  return {
    rows: await queryJournal<JournalRow>(path, "SELECT * FROM rows ORDER BY run_id, idx"),
    attempts: await queryJournal<JournalAttempt>(
      path,
      "SELECT * FROM attempts ORDER BY run_id, row_idx, n",
    ),
  };
}

/**
 * Messages in recipient order: rows in flight together reach the simulator in any order, so a
 * test that means "row 1's message" sorts by the number it was sent to.
 */
export function byRecipient<T extends { to: string }>(messages: readonly T[]): T[] {
  return [...messages].sort((a, b) => a.to.localeCompare(b.to));
}
