import { migratePostgres } from "./migratePostgres.js";
import { parsePostgresUrl } from "./postgresUrl.js";
import { PgClient } from "./sql/pgClient.js";

/**
 * Connects to a shared PostgreSQL journal and brings its schema up to date. The pool connects
 * lazily: an unreachable server or a refused login shows (as a CliError) at the migration.
 */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<PgClient> {
  parsePostgresUrl(url);
  const client = PgClient.connect(url, options);
  try {
    await migratePostgres(client, url);
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
  return client;
}
