import { callJson } from "./callJson.js";
import { type MeteredInput, type Prepared, refusal } from "./prepared.js";
import type { SimulatorState } from "./simulatorState.js";
import { validateCall } from "./validateCall.js";

/** POST /2010-04-01/Accounts/{AC}/Calls.json: a queued call, not dialled yet. */
export function createCall(state: SimulatorState, input: MeteredInput): Prepared {
  const decision = validateCall(input.form);
  if (!decision.ok) return refusal(decision.error);
  return {
    ok: true,
    commit() {
      const { now, accountSid } = input;
      const call = state.calls.add((sid) => ({
        ...decision.call,
        sid,
        accountSid,
        status: "queued",
        dateCreated: now,
        dateUpdated: now,
        startTime: null,
        endTime: null,
      }));
      return { status: 201, body: callJson(call), sid: call.sid };
    },
  };
}
