import { messageJson } from "./messageJson.js";
import { type MeteredInput, type Prepared, refusal } from "./prepared.js";
import type { SimulatorState } from "./simulatorState.js";
import { validateCreate } from "./validateCreate.js";

/** POST /2010-04-01/Accounts/{AC}/Messages.json */
export function createMessage(state: SimulatorState, input: MeteredInput): Prepared {
  const decision = validateCreate(input.form, input.now.getTime());
  if (!decision.ok) return refusal(decision.error);
  return {
    ok: true,
    commit() {
      const message = state.store.create(
        { ...decision.message, accountSid: input.accountSid },
        input.now,
      );
      return { status: 201, body: messageJson(message), sid: message.sid };
    },
  };
}
