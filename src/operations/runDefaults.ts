import { defaultSender } from "../core/defaultSender.js";
import type { RunDefaults } from "./operation.js";

/** A run's journaled `sending` options as the defaults its rows were built with. */
export function runDefaults(sending: Readonly<Record<string, unknown>>): RunDefaults {
  const options: Record<string, string> = {};
  const given = sending.operation;
  if (typeof given === "object" && given !== null) {
    for (const [key, value] of Object.entries(given)) {
      if (typeof value === "string") options[key] = value;
    }
  }
  return { ...defaultSender(sending), options };
}
