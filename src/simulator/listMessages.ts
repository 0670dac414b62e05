import { matchesDateSent, parseDateSentFilter } from "./dateSentFilter.js";
import { envelope2010, pageLinks } from "./listEnvelope.js";
import { messageJson } from "./messageJson.js";
import type { MessageStore, SimMessage } from "./messageStore.js";
import { invalidParameter, pageNewestFirst, readPaging } from "./pageNewestFirst.js";
import type { TwilioErrorBody } from "./twilioError.js";

const FILTER_PARAMS = ["To", "From", "DateSent", "DateSent<", "DateSent>"] as const;

export type ListResult =
  | { ok: true; page: Record<string, unknown> }
  | { ok: false; error: TwilioErrorBody };

/**
 * One page of `GET …/Messages.json`, newest first, in Twilio's list format (see pageNewestFirst
 * for `Page` and `PageToken`). A `PageSize` above 1000 is served as 1000.
 */
export function listMessages(
  store: MessageStore,
  path: string,
  query: URLSearchParams,
): ListResult {
  const paging = readPaging(query);
  if ("error" in paging) return { ok: false, error: paging.error };
  const dates = parseDateSentFilter(query);
  if ("invalid" in dates) return { ok: false, error: invalidParameter(dates.invalid) };
  const to = query.get("To") || null;
  const from = query.get("From") || null;
  const matches = (m: SimMessage) =>
    (from === null || m.from === from) && matchesDateSent(m, dates);
  const page = pageNewestFirst(store, to === null ? null : store.indicesTo(to), matches, paging);
  const links = pageLinks(path, query, FILTER_PARAMS, paging, page);
  return { ok: true, page: envelope2010("messages", page.items.map(messageJson), links) };
}
