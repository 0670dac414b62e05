import { FLOW_SID } from "./createExecution.js";
import { matchesDate, parseDateFilter } from "./dateFilter.js";
import { executionJson } from "./executionJson.js";
import { envelopeV2, pageLinks } from "./listEnvelope.js";
import type { ListResult } from "./listMessages.js";
import { invalidParameter, pageNewestFirst, readPaging } from "./pageNewestFirst.js";
import type { ResourceStore } from "./resourceStore.js";
import type { SimExecution } from "./simExecution.js";
import { notFound } from "./twilioError.js";

const DATE_PARAMS = [
  ["DateCreatedFrom", "notBefore"],
  ["DateCreatedTo", "notAfter"],
] as const;
const FILTER_PARAMS = ["DateCreatedFrom", "DateCreatedTo"] as const;

/**
 * One page of `GET /v2/Flows/{FW}/Executions`, newest first, in the v2 format. Both date bounds
 * are inclusive; a bare date is a whole GMT day.
 */
export function listExecutions(
  executions: ResourceStore<SimExecution>,
  flowSid: string,
  path: string,
  query: URLSearchParams,
  origin: string,
): ListResult {
  if (!FLOW_SID.test(flowSid)) return { ok: false, error: notFound(path) };
  const paging = readPaging(query);
  if ("error" in paging) return { ok: false, error: paging.error };
  const dates = parseDateFilter(query, DATE_PARAMS);
  if ("invalid" in dates) return { ok: false, error: invalidParameter(dates.invalid) };
  const matches = (e: SimExecution) => matchesDate(e.dateCreated.getTime(), dates);
  const subset = executions.indicesOf(flowSid);
  const page = pageNewestFirst(executions, subset, matches, paging);
  const links = pageLinks(path, query, FILTER_PARAMS, paging, page);
  const json = page.items.map((e) => executionJson(e, origin));
  return { ok: true, page: envelopeV2("executions", json, links, origin) };
}
