import { interruption, UsageError } from "../errors.js";
import { type CallbackCounts, startCallbackServer } from "../pipeline/callbackServer.js";
import { readSigningCredentials } from "../twilio/readSigningCredentials.js";
import type { CommandEnv } from "./commandEnv.js";
import { openExistingJournal } from "./openRunJournal.js";
import { parseNumberOption, parseUrlOption } from "./parseOptions.js";

export interface RawListenOptions {
  port?: string;
  host?: string;
  publicUrl?: string;
  journal?: string;
}

export interface ListenOptions {
  port: number;
  host: string;
  publicUrl: URL | undefined;
  journal: string | undefined;
}

export function parseListenOptions(raw: RawListenOptions): ListenOptions {
  const port = parseNumberOption("--port", raw.port, { min: 0, max: 65535, integer: true });
  if (port === undefined) throw new UsageError("`--port` is required, e.g. `--port 8080`");
  const host = raw.host?.trim() || "127.0.0.1";
  const publicUrl = parseUrlOption("--public-url", raw.publicUrl);
  if (publicUrl && (publicUrl.search !== "" || publicUrl.hash !== "")) {
    throw new UsageError(
      `\`--public-url\` must be the address of the listener's root, without ?query or #fragment, got \`${raw.publicUrl}\``,
    );
  }
  return { port, host, publicUrl, journal: raw.journal };
}

/**
 * `twilio-bulk listen`: receives Twilio's message status callbacks until SIGINT/SIGTERM and
 * records each in the journal as `status` would. Exits 130 or 143 as every command stopped by
 * a signal does: it has no other way to end.
 */
export async function listen(options: ListenOptions, env: CommandEnv): Promise<number> {
  const credentials = readSigningCredentials(env.env);
  const { journal } = await openExistingJournal(options.journal, env);
  try {
    const server = await startCallbackServer({
      journal,
      host: options.host,
      port: options.port,
      publicUrl: options.publicUrl,
      credentials,
      log: (line) => env.stdout.write(`${line}\n`),
    });
    const signedAs = options.publicUrl
      ? `as ${withoutPassword(options.publicUrl)} (--public-url)`
      : "as the Host each request names";
    env.stderr.write(
      `Listening for status callbacks on ${server.url}; signatures checked ${signedAs}. Ctrl-C to stop.\n`,
    );
    await aborted(env.signal);
    await server.close();
    env.stderr.write(`Stopped: ${describeCounts(server.counts)}.\n`);
    return interruption(env.signal).exitCode;
  } finally {
    await journal.close();
  }
}

function describeCounts(counts: CallbackCounts): string {
  return [
    `${counts.recorded} statuses recorded`,
    `${counts.older} older than the journal's (ignored)`,
    `${counts.suppressed} numbers suppressed`,
    `${counts.unknown} for messages not in the journal`,
    `${counts.rejected} refused (403)`,
    `${counts.malformed} malformed (400)`,
  ].join(", ");
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true }),
  );
}

/** A callback URL may carry basic-auth credentials (Twilio supports them): never print those. */
function withoutPassword(url: URL): string {
  if (url.username === "" && url.password === "") return url.href;
  const shown = new URL(url.href);
  shown.username = "***";
  shown.password = "";
  return shown.href;
}
