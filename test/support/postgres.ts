import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export { TEST_POSTGRES_ENV } from "./postgresCluster.js";

/** What the global setup (postgresGlobalSetup.ts) hands every test worker. */
export interface TestPostgres {
  /** A superuser's URL to the server's `postgres` database, no password. */
  url: string;
  /** Every database of this test run is named `${prefix}<random>`, and dropped afterwards. */
  prefix: string;
}

declare module "vitest" {
  interface ProvidedContext {
    /** null: no PostgreSQL was found outside CI, and the PostgreSQL tests are skipped. */
    postgres: TestPostgres | null;
  }
}

/** The test run's server, or undefined when its tests are to be skipped. */
export function testPostgres(): TestPostgres | undefined {
  return inject("postgres") ?? undefined;
}

/** For describe.skipIf: true when there is no PostgreSQL to test against (never in CI). */
export const noPostgres = (): boolean => testPostgres() === undefined;

/** The URL of `database` on the server of `url`. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A new empty database of its own, as a journal URL: tests never share a journal. It is dropped
 * with the others at the end of the run.
 */
export async function freshPostgresJournal(): Promise<string> {
  const server = testPostgres();
  if (!server) throw new Error("no PostgreSQL for this test run: skip the test with noPostgres()");
  const name = `${server.prefix}${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(server.url, name);
}
