import { CliError, ExitCode } from "../errors.js";
import { parsePostgresUrl } from "./postgresUrl.js";

interface Cause {
  what: string;
  exitCode: number;
  hint: string;
}

const RETRY = "Check that PostgreSQL runs there and accepts connections, then run it again.";

/** Network errors and SQLSTATEs a connection fails with before any journal SQL runs. */
const CAUSES: Record<string, (message: string) => Cause> = {
  ECONNREFUSED: () => ({ what: "connection refused", exitCode: ExitCode.tempFail, hint: RETRY }),
  ECONNRESET: () => ({ what: "connection reset", exitCode: ExitCode.tempFail, hint: RETRY }),
  ETIMEDOUT: () => ({ what: "timed out", exitCode: ExitCode.tempFail, hint: RETRY }),
  EHOSTUNREACH: () => ({ what: "host unreachable", exitCode: ExitCode.tempFail, hint: RETRY }),
  ENETUNREACH: () => ({ what: "network unreachable", exitCode: ExitCode.tempFail, hint: RETRY }),
  EAI_AGAIN: () => ({
    what: "the host name could not be resolved now",
    exitCode: ExitCode.tempFail,
    hint: RETRY,
  }),
  ENOENT: () => ({ what: "no server on that socket", exitCode: ExitCode.tempFail, hint: RETRY }),
  "57P03": (message) => ({ what: message, exitCode: ExitCode.tempFail, hint: RETRY }),
  "53300": (message) => ({ what: message, exitCode: ExitCode.tempFail, hint: RETRY }),
  ENOTFOUND: () => ({
    what: "no such host",
    exitCode: ExitCode.config,
    hint: "Check the host name in the journal URL.",
  }),
  "3D000": (message) => ({
    what: message,
    exitCode: ExitCode.config,
    hint: "Create the database (createdb), or point the journal URL at one that exists.",
  }),
  "28P01": (message) => ({
    what: message,
    exitCode: ExitCode.noPerm,
    hint: "Check the user and password in the journal URL.",
  }),
  "28000": (message) => ({
    what: message,
    exitCode: ExitCode.noPerm,
    hint: "The server's pg_hba.conf, or its roles, do not let this user in to this database.",
  }),
};

/**
 * A CliError naming the server, port, database and user (never the password) for a journal
 * that cannot be reached or refuses to let us in; undefined for every other error. The server's
 * own words are kept for SQLSTATEs: PostgreSQL never repeats a password in them.
 */
export function cannotReachPostgres(url: string, error: unknown): CliError | undefined {
  if (error instanceof CliError) return undefined;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  let cause = code === undefined ? undefined : CAUSES[code]?.(message);
  // pg's own check, before the server hears any password: the URL has none and one is asked.
  if (
    cause === undefined &&
    message.startsWith("SASL: SCRAM-SERVER-FIRST-MESSAGE: client password")
  ) {
    cause = {
      what: "the server asks for a password and the URL has none",
      exitCode: ExitCode.noPerm,
      hint: "Put the password in the journal URL (postgres://user:password@host/database) or ~/.pgpass.",
    };
  }
  cause ??= byMessage(message, url);
  if (cause === undefined) return undefined;
  const { shown } = parsePostgresUrl(url);
  return new CliError(
    `cannot open the journal ${shown}: ${cause.what}${code && !cause.what.includes(code) ? ` (${code})` : ""}`,
    cause.exitCode,
    cause.hint,
  );
}

/** pg's own errors before the server has answered: they carry no code. */
function byMessage(message: string, url: string): Cause | undefined {
  if (
    message === "timeout expired" ||
    message.startsWith("Connection terminated due to connection timeout")
  ) {
    const seconds = parsePostgresUrl(url).connectTimeoutMs / 1000;
    return {
      what: `no answer within ${seconds} s`,
      exitCode: ExitCode.tempFail,
      hint: `${RETRY} A slow network may need a longer wait: add ?connect_timeout=SECONDS to the URL.`,
    };
  }
  if (message === "Connection terminated unexpectedly") {
    return {
      what: "the server closed the connection before it answered",
      exitCode: ExitCode.tempFail,
      hint: "Check that the URL's host and port are PostgreSQL's (not another service's), then run it again.",
    };
  }
  return undefined;
}

/** Node reports a host with several addresses as an AggregateError of one error per address. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const innerCode = codeOf(inner);
      if (innerCode !== undefined) return innerCode;
    }
  }
  return undefined;
}
