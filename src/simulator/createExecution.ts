import { executionJson } from "./executionJson.js";
import { type MeteredInput, type Prepared, refusal } from "./prepared.js";
import type { SimulatorState } from "./simulatorState.js";
import { notFound, twilioError } from "./twilioError.js";

export const FLOW_SID = /^FW[0-9a-fA-F]{32}$/;
/** The one well-formed flow sid that does not exist: a row naming a flow Twilio does not find. */
export const UNKNOWN_FLOW = `FW${"0".repeat(32)}`;

/**
 * POST /v2/Flows/{FW}/Executions. Any well-formed flow sid exists but `FW` and 32 zeros; that
 * one and a malformed one are a 404.
 * Studio runs one execution per contact and flow at a time: while one is active, another
 * create for the same To is a 409 (code 20409, unconfirmed), which `finalize()` or
 * /_sim/status (`ended`) lifts. The codes for a missing To/From or bad Parameters are
 * Twilio's generic 20001 (unconfirmed).
 */
export function createExecution(state: SimulatorState, input: MeteredInput): Prepared {
  const flowSid = input.subject ?? "";
  if (!FLOW_SID.test(flowSid) || flowSid === UNKNOWN_FLOW)
    return refusal(notFound(`/v2/Flows/${flowSid}/Executions`));
  const to = input.form.get("To") ?? "";
  const from = input.form.get("From") ?? "";
  if (to === "") return missing("To");
  if (from === "") return missing("From");
  const parameters = parseParameters(input.form.get("Parameters"));
  if (parameters === null) {
    return refusal(twilioError(400, 20001, "Parameters must be a JSON object"));
  }
  const key = `${flowSid} ${to}`;
  const active = state.activeExecutions.get(key);
  if (active) {
    return refusal(
      twilioError(
        409,
        20409,
        `Execution ${active} is already active for this contact. End the active Execution before creating a new one`,
      ),
    );
  }
  return {
    ok: true,
    commit() {
      const { now } = input;
      const execution = state.executions.add((sid) => ({
        sid,
        accountSid: input.accountSid,
        flowSid,
        contactChannelAddress: to,
        from,
        parameters,
        status: "active",
        dateCreated: now,
        dateUpdated: now,
      }));
      state.activeExecutions.set(key, execution.sid);
      return { status: 201, body: executionJson(execution, input.origin), sid: execution.sid };
    },
  };
}

function missing(param: string): Prepared {
  return refusal(twilioError(400, 20001, `Missing required parameter ${param} in the post body`));
}

/** `Parameters` as a JSON object; null when it is something else. Absent is `{}`. */
function parseParameters(text: string | null): Record<string, unknown> | null {
  if (text === null || text === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
    return value as Record<string, unknown>;
  } catch {
    return null;
  }
}
