import { CliError, ExitCode } from "../errors.js";
import { cannotReachPostgres } from "./cannotReachPostgres.js";
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from "./pgSchema.js";
import { parsePostgresUrl } from "./postgresUrl.js";
import type { SqlClient, SqlQueries } from "./sql/sqlClient.js";

/** The advisory lock key migrations take ("twmg"); the journal's write lock is another. */
const MIGRATE_LOCK = 0x74776d67;

/**
 * Brings a PostgreSQL journal to this twilio-bulk's schema: every missing migration in one
 * transaction, under an advisory lock so processes opening the same new journal together
 * migrate it once. A journal written by a newer twilio-bulk is refused, as openDatabase does.
 * `url` only names the journal in errors (without its password).
 */
export async function migratePostgres(client: SqlClient, url: string): Promise<void> {
  const { shown } = parsePostgresUrl(url);
  try {
    const version = await schemaVersion(client);
    if (version === PG_SCHEMA_VERSION) return;
    refuseNewer(version, shown);
    await client.transaction(
      async (tx) => {
        await tx.get(`SELECT pg_advisory_xact_lock(${MIGRATE_LOCK})`);
        await tx.run("CREATE TABLE IF NOT EXISTS journal_schema (version integer NOT NULL)");
        // Read again under the lock: another process may have migrated meanwhile.
        const current = await schemaVersion(tx);
        refuseNewer(current, shown);
        for (let v = current; v < PG_SCHEMA_VERSION; v++) await tx.run(PG_MIGRATIONS[v]!);
        await tx.run("DELETE FROM journal_schema");
        await tx.run("INSERT INTO journal_schema (version) VALUES (?)", [PG_SCHEMA_VERSION]);
      },
      // Its own lock: the journal's write lock is for its rows, not for DDL.
      { exclusive: false },
    );
  } catch (error) {
    throw cannotReachPostgres(url, error) ?? error;
  }
}

async function schemaVersion(sql: SqlQueries): Promise<number> {
  const table = await sql.get<{ found: string | null }>(
    "SELECT to_regclass('journal_schema')::text AS found",
  );
  if (!table?.found) return 0;
  const row = await sql.get<{ version: number }>(
    "SELECT max(version) AS version FROM journal_schema",
  );
  return row?.version ?? 0;
}

function refuseNewer(version: number, shown: string): void {
  if (version <= PG_SCHEMA_VERSION) return;
  throw new CliError(
    `the journal ${shown} has schema version ${version}; this twilio-bulk knows up to ${PG_SCHEMA_VERSION}`,
    ExitCode.config,
    "Upgrade twilio-bulk, or point --journal at another database.",
  );
}
