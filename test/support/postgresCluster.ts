import { spawnSync } from "node:child_process";
import {
  accessSync,
  chownSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** The environment variable naming a server to test against (set by the global setup too). */
export const TEST_POSTGRES_ENV = "TWILIO_BULK_TEST_POSTGRES";

/** A directory holding initdb, pg_ctl and postgres of one PostgreSQL version. */
export type PostgresBin = string;

const TOOLS = ["initdb", "pg_ctl", "postgres"];

function hasTools(dir: string): boolean {
  return TOOLS.every((tool) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The versions Debian installs side by side, highest first. */
function debianBins(): string[] {
  let versions: string[];
  try {
    versions = readdirSync("/usr/lib/postgresql");
  } catch {
    return [];
  }
  return versions
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    .map((version) => join("/usr/lib/postgresql", version, "bin"));
}

/** PATH first, then Debian's versioned directories (not on PATH), then /usr/local/bin. */
export function findPostgresBin(): PostgresBin | undefined {
  const path = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  return [...path, ...debianBins(), "/usr/local/bin"].find(hasTools);
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(
      "PostgreSQL will not run as root and there is no `postgres` user to run it as (apt-get install postgresql creates one)",
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres: superuser, no password (trust). */
  url: string;
  stop(): void;
}

/**
 * A throwaway cluster in a temporary directory, on 127.0.0.1 and a port the OS says is free,
 * its socket in the same directory. Durability is off (fsync, synchronous_commit): nothing in it
 * outlives the test run. Another process can take the port between the ask and the start: then
 * it starts again on another.
 */
export async function startPostgresCluster(bin: PostgresBin): Promise<PostgresCluster> {
  const owner = runAs();
  const dir = mkdtempSync(join(tmpdir(), "twilio-bulk-pg-"));
  const data = join(dir, "data");
  const log = join(dir, "log");
  const run = (tool: string, args: string[]) => {
    const result = spawnSync(join(bin, tool), args, {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
      ...owner,
    });
    return {
      ok: result.status === 0,
      output: `${result.stdout}${result.stderr}${result.error ?? ""}`,
    };
  };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    rmSync(dir, { recursive: true, force: true });
  };
  // A run killed before its teardown must not leave a server behind.
  process.once("exit", stop);
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const init = run("initdb", [
      ...["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C"],
      "--no-sync",
    ]);
    if (!init.ok) throw new Error(`initdb failed:\n${init.output}`);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = [
        `-p ${port}`,
        `-k '${dir}'`,
        "-c listen_addresses=127.0.0.1",
        "-c fsync=off",
        "-c synchronous_commit=off",
        "-c full_page_writes=off",
        "-c max_connections=300",
      ].join(" ");
      const start = run("pg_ctl", [
        "-D",
        data,
        "-l",
        log,
        "-o",
        options,
        "-w",
        "-t",
        "60",
        "start",
      ]);
      if (start.ok) return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
      const serverLog = readLog(log);
      if (attempt >= 3 || !/could not bind|already in use/i.test(serverLog)) {
        throw new Error(`pg_ctl start failed:\n${start.output}\n${serverLog}`);
      }
    }
  } catch (error) {
    stop();
    process.removeListener("exit", stop);
    throw error;
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
