import type { Prng } from "./prng.js";
import type { ResolvedSimulatorOptions } from "./simulatorOptions.js";

/**
 * What goes wrong with one create:
 * - `reset`: the connection dies before Twilio saw the request (nothing created);
 * - `drop`: the message is created, then the connection dies without an answer;
 * - `error-created` / `error-lost`: a 500, after which the message does / does not exist, as
 *   Twilio's 500 leaves the outcome unknown.
 */
export type Fault = "none" | "reset" | "drop" | "error-created" | "error-lost";

type FaultRates = Pick<ResolvedSimulatorOptions, "resetRate" | "dropRate" | "serverErrorRate">;

/**
 * One draw picks among the faults (their rates are shares of one unit interval), a second one
 * whether a 500 created. Both are drawn for every create, faulty or not, so the n-th create of a
 * run meets the same fault whatever the rates of the others.
 */
export function drawFault(prng: Prng, rates: FaultRates): Fault {
  const which = prng();
  const created = prng() < 0.5;
  let edge = rates.resetRate;
  if (which < edge) return "reset";
  edge += rates.dropRate;
  if (which < edge) return "drop";
  edge += rates.serverErrorRate;
  if (which < edge) return created ? "error-created" : "error-lost";
  return "none";
}
