import { calls } from "./calls/index.js";
import { lookup } from "./lookup/index.js";
import { messages } from "./messages/index.js";
import type { Operation, OperationFlag } from "./operation.js";
import { studio } from "./studio/index.js";
import { verify } from "./verify/index.js";

/** Every Twilio API twilio-bulk drives. A new one is a folder and a line here. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  messages,
  calls,
  lookup,
  verify,
  studio,
};

export const API_NAMES: readonly string[] = Object.keys(OPERATIONS);

export { DEFAULT_API } from "./defaultApi.js";

/** The operation of a journaled row; a journal written with an API this build lacks is refused. */
/**
 * The APIs whose requests only read (Lookup): one cut off by a crash changed nothing at Twilio,
 * so it is asked again rather than left in doubt.
 */
export const READ_ONLY_APIS: readonly string[] = API_NAMES.filter(
  (name) => OPERATIONS[name]?.safety === "read",
);

export function operationOf(api: string): Operation {
  const op = OPERATIONS[api];
  if (!op)
    throw new Error(
      `the journal has rows for the \`${api}\` API, which this twilio-bulk does not know`,
    );
  return op;
}

/** Every operation's `send` flags, once each (shared keys are declared once). */
export function operationFlags(): OperationFlag[] {
  const seen = new Map<string, OperationFlag>();
  for (const op of Object.values(OPERATIONS)) for (const f of op.flags) seen.set(f.key, f);
  return [...seen.values()];
}
