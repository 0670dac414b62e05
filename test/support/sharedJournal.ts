import { afterEach } from "vitest";
import type { SimulatorOptions } from "../../src/simulator/simulatorOptions.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/startSimulator.js";
import { freshPostgresJournal } from "./postgres.js";
import { makeTempDir } from "./tempDir.js";

export interface SharedJournalCase {
  sim: RunningSimulator;
  /** A temporary directory for the lists. */
  dir: string;
  /** The PostgreSQL journal's URL. */
  journal: string;
  /** The senders' environment: the simulator's credentials and the journal. */
  env: Record<string, string>;
}

/**
 * Each test's simulator, temporary directory and fresh PostgreSQL journal, for tests of several
 * `send` processes on one journal; closed and removed after the test.
 */
export function useSharedJournal(): (
  options?: Partial<SimulatorOptions>,
) => Promise<SharedJournalCase> {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return async (options = {}) => {
    const sim = await startSimulator(options);
    cleanups.push(() => sim.close());
    const dir = makeTempDir();
    cleanups.push(() => dir.remove());
    const journal = await freshPostgresJournal();
    const env = {
      TWILIO_ACCOUNT_SID: sim.accountSid,
      TWILIO_AUTH_TOKEN: sim.authToken,
      TWILIO_BULK_JOURNAL: journal,
    };
    return { sim, dir: dir.path, journal, env };
  };
}
