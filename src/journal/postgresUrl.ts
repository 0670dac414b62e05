import { UsageError } from "../errors.js";

/** Where a PostgreSQL journal lives, in words that are safe to print. */
export interface PostgresTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  /** `postgres://user@host:port/database`: never the password, nor the query (it may hold one). */
  shown: string;
  /** How long a connection may take to be made: libpq's `connect_timeout` (s), else 15 s. */
  connectTimeoutMs: number;
}

/**
 * An unreachable host would otherwise wait for the kernel's own TCP timeout (about two minutes
 * on Linux) before saying anything.
 */
const CONNECT_TIMEOUT_S = 15;

/**
 * Reads a journal URL the way `pg` will (host and user may also come from the query, as
 * `?host=/run/postgresql`), refusing anything else with a usage error. The message never
 * repeats the URL: one that does not parse cannot be stripped of its password reliably.
 */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw notAUrl();
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") throw notAUrl();
  const query = parsed.searchParams;
  const host = decode(parsed.hostname) || query.get("host") || "localhost";
  const port = Number(parsed.port || query.get("port") || 5432);
  const user = decode(parsed.username) || query.get("user") || "";
  const database = decode(parsed.pathname.slice(1)) || query.get("dbname") || user;
  const hostPort = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  const shown = `postgres://${user ? `${user}@` : ""}${hostPort}:${port}/${database}`;
  const timeout = query.get("connect_timeout") ?? String(CONNECT_TIMEOUT_S);
  const seconds = Number(timeout);
  if (!/^\d+$/.test(timeout) || seconds < 1) {
    throw new UsageError(
      `the journal URL's connect_timeout must be a whole number of seconds ≥ 1, got \`${timeout}\``,
      "Write it as ?connect_timeout=10, or leave it out for 15 s.",
    );
  }
  return { host, port, database, user, shown, connectTimeoutMs: seconds * 1000 };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function notAUrl(): UsageError {
  return new UsageError(
    "the journal is not a PostgreSQL URL",
    "Write it as postgres://user:password@host:5432/database (percent-encode @ : / in the password).",
  );
}

/** Whether a `--journal` value names a PostgreSQL journal rather than a file. */
export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}
