import { callJson } from "./callJson.js";
import { matchesDate, parseDateFilter } from "./dateFilter.js";
import { envelope2010, pageLinks } from "./listEnvelope.js";
import type { ListResult } from "./listMessages.js";
import { invalidParameter, pageNewestFirst, readPaging } from "./pageNewestFirst.js";
import type { ResourceStore } from "./resourceStore.js";
import type { SimCall } from "./simCall.js";

const DATE_PARAMS = [
  ["StartTime", "on"],
  ["StartTime<", "notAfter"],
  ["StartTime>", "notBefore"],
] as const;
const FILTER_PARAMS = ["To", "From", "Status", "StartTime", "StartTime<", "StartTime>"] as const;

/**
 * One page of `GET …/Calls.json`, newest first (see pageNewestFirst). A call not dialled yet
 * (start_time null) is judged by its date_created, so a sender that lost a create's answer can
 * find the call by "StartTime>= when I tried" (whether Twilio does is unconfirmed).
 */
export function listCalls(
  calls: ResourceStore<SimCall>,
  path: string,
  query: URLSearchParams,
): ListResult {
  const paging = readPaging(query);
  if ("error" in paging) return { ok: false, error: paging.error };
  const dates = parseDateFilter(query, DATE_PARAMS);
  if ("invalid" in dates) return { ok: false, error: invalidParameter(dates.invalid) };
  const to = query.get("To") || null;
  const from = query.get("From") || null;
  const status = query.get("Status") || null;
  const matches = (call: SimCall) =>
    (from === null || call.from === from) &&
    (status === null || call.status === status) &&
    matchesDate((call.startTime ?? call.dateCreated).getTime(), dates);
  const subset = to === null ? null : calls.indicesOf(to);
  const page = pageNewestFirst(calls, subset, matches, paging);
  const links = pageLinks(path, query, FILTER_PARAMS, paging, page);
  return { ok: true, page: envelope2010("calls", page.items.map(callJson), links) };
}
