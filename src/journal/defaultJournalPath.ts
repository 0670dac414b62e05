import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { isPostgresUrl } from "./postgresUrl.js";

/**
 * `--journal`, else TWILIO_BULK_JOURNAL, else the XDG state directory, as twilio-cli users
 * expect. A postgres:// URL is returned as it is: the shared journal.
 */
export function resolveJournalPath(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string {
  const chosen = flag ?? env.TWILIO_BULK_JOURNAL;
  if (chosen && isPostgresUrl(chosen)) return chosen;
  if (chosen) return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
  const stateHome =
    env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME)
      ? env.XDG_STATE_HOME
      : join(env.HOME ?? homedir(), ".local", "state");
  return join(stateHome, "twilio-bulk", "journal.db");
}
