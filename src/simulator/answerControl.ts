import { json, type Reply } from "./reply.js";
import type { SimulatorState } from "./simulatorState.js";
import { notFound, twilioError } from "./twilioError.js";

/**
 * The /_sim/ endpoints, for tests that run the simulator in another process. No auth, no
 * limits, no latency, no faults: they observe and steer the simulator, they are not Twilio.
 *
 * - GET  /_sim/messages  every message created, oldest first (SimMessage, dates in ISO 8601)
 * - GET  /_sim/calls, /_sim/verifications, /_sim/executions  likewise (SimCall, …)
 * - GET  /_sim/creates   every metered request received: creates of every API, Lookups
 *                        (CreateRecord; `api` tells which), so a test can count duplicates
 * - GET  /_sim/options   the options in force (Infinity shows as null)
 * - POST /_sim/finalize  `{}` for the default rule, or `{"status":"failed","error_code":30007}`
 *                        for all; answers `{"finalized": n}`
 * - POST /_sim/status    `{"sid":"SM…","status":"undelivered","error_code":30006}`; also a
 *                        call's (CA…), verification's (VE…) or execution's (FN…) status
 * - POST /_sim/options   a partial SimulatorOptions; null restores a default (e.g. mps: null)
 */
export function answerControl(
  state: SimulatorState,
  method: string,
  name: string,
  bodyText: string,
): Reply {
  try {
    const key = `${method} ${name}`;
    if (key === "GET messages") return json(200, state.store.all());
    if (key === "GET calls") return json(200, state.calls.all());
    if (key === "GET verifications") return json(200, state.verifications.all());
    if (key === "GET executions") return json(200, state.executions.all());
    if (key === "GET creates") return json(200, state.creates);
    if (key === "GET options") return json(200, state.options);
    if (method !== "POST") return json(404, notFound(`/_sim/${name}`));
    const body = parseObject(bodyText);
    switch (name) {
      case "finalize": {
        const status = body.status;
        if (status === undefined) return json(200, { finalized: state.finalize() });
        const errorCode = readErrorCode(body);
        return json(200, {
          finalized: state.finalize(() => ({ status: String(status), errorCode })),
        });
      }
      case "status": {
        const sid = String(body.sid ?? "");
        if (!state.has(sid)) return json(404, notFound(`resource ${sid}`));
        state.setStatus(sid, String(body.status ?? ""), readErrorCode(body));
        return json(200, state.find(sid));
      }
      case "options":
        state.setOptions(body);
        return json(200, state.options);
      default:
        return json(404, notFound(`/_sim/${name}`));
    }
  } catch (error) {
    // Bad JSON and option/status validation land here: the caller's mistake, said in a 400.
    return json(
      400,
      twilioError(400, 20001, error instanceof Error ? error.message : String(error)),
    );
  }
}

function parseObject(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("the body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function readErrorCode(body: Record<string, unknown>): number | null {
  const code = body.error_code ?? body.errorCode ?? null;
  if (code === null) return null;
  if (typeof code !== "number" || !Number.isInteger(code)) {
    throw new TypeError(`error_code must be an integer or null, got \`${String(code)}\``);
  }
  return code;
}
