import { shellQuote } from "../core/shellQuote.js";
import { resolveJournalPath } from "../journal/defaultJournalPath.js";
import { isPostgresUrl, parsePostgresUrl } from "../journal/postgresUrl.js";
import type { CommandEnv } from "./commandEnv.js";

/**
 * ` --journal <path>` for a command we print for the user to run next, or "" when the journal
 * is the one that command would open anyway (the default, or TWILIO_BULK_JOURNAL's). Without it
 * a printed `retry --run 3` would act on run 3 of another journal. The path is the resolved,
 * absolute one, so the command works from any directory.
 */
export function journalFlag(
  flag: string | undefined,
  env: Pick<CommandEnv, "env" | "cwd">,
): string {
  const used = resolveJournalPath(flag, env.env, env.cwd);
  if (used === resolveJournalPath(undefined, env.env, env.cwd)) return "";
  // Printed commands never carry a password: pg reads it from PGPASSWORD or ~/.pgpass.
  const shown = isPostgresUrl(used) ? parsePostgresUrl(used).shown : used;
  return ` --journal ${shellQuote(shown)}`;
}
