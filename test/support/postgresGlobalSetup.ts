import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import type { TestPostgres } from "./postgres.js";
import { findPostgresBin, startPostgresCluster, TEST_POSTGRES_ENV } from "./postgresCluster.js";

/**
 * Once per test run, for every worker: the PostgreSQL half of the journal tests runs against a
 * throwaway cluster started here, or the server TWILIO_BULK_TEST_POSTGRES names (a superuser's
 * URL). Without binaries it is skipped, except in CI, where a skipped half would pass unseen.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const prefix = `tb_${randomBytes(3).toString("hex")}_`;
  const given = process.env[TEST_POSTGRES_ENV];
  if (given) {
    project.provide("postgres", { url: given, prefix } satisfies TestPostgres);
    return () => dropDatabases(given, prefix);
  }
  const bin = findPostgresBin();
  if (!bin) {
    const where =
      "initdb, pg_ctl and postgres on PATH, in /usr/lib/postgresql/*/bin or /usr/local/bin";
    if (process.env.CI) throw new Error(`CI needs PostgreSQL for the journal tests: no ${where}`);
    console.log(
      `PostgreSQL not found (${where}): its half of the journal tests is skipped; apt-get install postgresql to run it`,
    );
    project.provide("postgres", null);
    return async () => {};
  }
  const cluster = await startPostgresCluster(bin);
  // Child processes of the tests (the CLI with a PostgreSQL journal) find it here.
  process.env[TEST_POSTGRES_ENV] = cluster.url;
  project.provide("postgres", { url: cluster.url, prefix } satisfies TestPostgres);
  return async () => {
    // The databases go with the cluster's directory.
    cluster.stop();
    delete process.env[TEST_POSTGRES_ENV];
  };
}

/** On a server that outlives the run, its databases are dropped one by one. */
async function dropDatabases(url: string, prefix: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [prefix],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE ${datname} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
