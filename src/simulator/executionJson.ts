import type { SimExecution } from "./simExecution.js";
import { iso8601 } from "./verificationJson.js";

/** A Studio execution as Studio v2 returns it, with absolute URLs on `origin`. */
export function executionJson(e: SimExecution, origin: string): Record<string, unknown> {
  const url = `${origin}/v2/Flows/${e.flowSid}/Executions/${e.sid}`;
  return {
    sid: e.sid,
    account_sid: e.accountSid,
    flow_sid: e.flowSid,
    contact_channel_address: e.contactChannelAddress,
    context: {},
    status: e.status,
    date_created: iso8601(e.dateCreated),
    date_updated: iso8601(e.dateUpdated),
    url,
    links: { steps: `${url}/Steps`, execution_context: `${url}/Context` },
  };
}
