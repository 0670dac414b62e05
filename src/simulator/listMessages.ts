import { matchesDateSent, parseDateSentFilter } from "./dateSentFilter.js";
import { messageJson } from "./messageJson.js";
import type { SimMessage } from "./messageStore.js";
import { type TwilioErrorBody, twilioError } from "./twilioError.js";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
const FILTER_PARAMS = ["To", "From", "DateSent", "DateSent<", "DateSent>"] as const;

type Entry = { message: SimMessage; index: number };

/**
 * One page of `GET …/Messages.json`, newest first, in Twilio's list format.
 *
 * Paging works both ways Twilio's does: `Page` alone skips `Page × PageSize` messages, and the
 * `next_page_uri` we hand out carries `PageToken=PA<last sid>` ("after this message"), so walking
 * the pages stays consistent while new messages are being created. `previous_page_uri` uses
 * `PB<first sid>`. A `PageSize` above 1000 is served as 1000, as Twilio does.
 */
export function listMessages(
  all: readonly SimMessage[],
  path: string,
  query: URLSearchParams,
): { ok: true; page: Record<string, unknown> } | { ok: false; error: TwilioErrorBody } {
  const pageSize = readInt(query.get("PageSize"), DEFAULT_PAGE_SIZE);
  const page = readInt(query.get("Page"), 0);
  if (pageSize === null || pageSize < 1) return { ok: false, error: invalid("PageSize") };
  if (page === null) return { ok: false, error: invalid("Page") };
  const dates = parseDateSentFilter(query);
  if ("invalid" in dates) return { ok: false, error: invalid(dates.invalid) };
  const size = Math.min(pageSize, MAX_PAGE_SIZE);

  const to = query.get("To") || null;
  const from = query.get("From") || null;
  const matching: Entry[] = [];
  for (let index = all.length - 1; index >= 0; index--) {
    const message = all[index]!;
    if (to !== null && message.to !== to) continue;
    if (from !== null && message.from !== from) continue;
    if (!matchesDateSent(message, dates)) continue;
    matching.push({ message, index });
  }

  const start = pageStart(matching, all, query.get("PageToken"), page, size);
  const items = matching.slice(start, start + size);
  const filters = new URLSearchParams();
  for (const name of FILTER_PARAMS) {
    const value = query.get(name);
    if (value !== null) filters.set(name, value);
  }
  const uri = (n: number, token?: string): string => {
    const params = new URLSearchParams(filters);
    params.set("PageSize", String(size));
    params.set("Page", String(n));
    if (token) params.set("PageToken", token);
    return `${path}?${params}`;
  };
  const first = items[0]?.message.sid;
  const last = items.at(-1)?.message.sid;
  const token = query.get("PageToken") ?? undefined;
  const body = {
    first_page_uri: uri(0),
    end: page * size + Math.max(items.length - 1, 0),
    previous_page_uri: page > 0 && first ? uri(page - 1, `PB${first}`) : null,
    messages: items.map((entry) => messageJson(entry.message)),
    uri: uri(page, token),
    page_size: size,
    start: page * size,
    next_page_uri: last && start + size < matching.length ? uri(page + 1, `PA${last}`) : null,
    page,
  };
  return { ok: true, page: body };
}

/** Where the page starts in `matching`; a token wins over `Page`, as in Twilio's links. */
function pageStart(
  matching: Entry[],
  all: readonly SimMessage[],
  token: string | null,
  page: number,
  size: number,
): number {
  const sid = token?.slice(2);
  // Positions by creation order, so a token still works if its message no longer matches.
  const anchor = sid ? all.findIndex((m) => m.sid === sid) : -1;
  if (anchor < 0) return page * size;
  if (token?.startsWith("PA")) {
    const after = matching.findIndex((entry) => entry.index < anchor);
    return after < 0 ? matching.length : after;
  }
  const before = matching.findIndex((entry) => entry.index <= anchor);
  return Math.max(0, (before < 0 ? matching.length : before) - size);
}

function readInt(value: string | null, fallback: number): number | null {
  if (value === null || value === "") return fallback;
  return /^\d+$/.test(value) ? Number(value) : null;
}

function invalid(param: string): TwilioErrorBody {
  // Twilio's code for a malformed list parameter is not documented; 20001 is its generic one.
  return twilioError(400, 20001, `Invalid value for parameter ${param}`);
}
