import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runInProcess } from "../support/runCli.js";
import { FROM, queryJournal, type SendFixture } from "../support/simulatorFixture.js";

/** Well-formed sids the simulator takes as existing. */
export const FLOW = `FW${"a".repeat(32)}`;
export const SERVICE = `VA${"b".repeat(32)}`;

/** `send` in-process against the simulator, with the defaults every API needs. */
export function sendList(
  fx: SendFixture,
  sim: RunningSimulator,
  list: string,
  extra: readonly string[] = [],
) {
  return runInProcess(
    [
      "send",
      list,
      "--from",
      FROM,
      "--flow-sid",
      FLOW,
      "--verify-service-sid",
      SERVICE,
      "--rate",
      "1000",
      "--api-url",
      sim.url,
      ...extra,
    ],
    { env: fx.env(sim) },
  );
}

export interface ApiRow {
  api: string;
  state: string;
  reason: string | null;
  sid: string | null;
  twilio_status: string | null;
  error_code: number | null;
  attempts: number;
  result_json: string | null;
}

/** The journal's rows with their API and kept answer, read with plain SQL. */
export function apiRows(path: string): Promise<ApiRow[]> {
  return queryJournal<ApiRow>(
    path,
    "SELECT api, state, reason, sid, twilio_status, error_code, attempts, result_json FROM rows ORDER BY run_id, idx",
  );
}
