import { type DateSentFilter, matchesDateSent, parseDateSentFilter } from "./dateSentFilter.js";
import { messageJson } from "./messageJson.js";
import type { MessageStore, SimMessage } from "./messageStore.js";
import { type TwilioErrorBody, twilioError } from "./twilioError.js";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
const FILTER_PARAMS = ["To", "From", "DateSent", "DateSent<", "DateSent>"] as const;

type ListResult =
  | { ok: true; page: Record<string, unknown> }
  | { ok: false; error: TwilioErrorBody };

/**
 * One page of `GET …/Messages.json`, newest first, in Twilio's list format.
 *
 * Paging works both ways Twilio's does: `Page` alone skips `Page × PageSize` matches, and the
 * `next_page_uri` we hand out carries `PageToken=PA<last sid>` ("older than this message"), so
 * walking the pages stays consistent while new messages are being created. `previous_page_uri`
 * carries `PB<first sid>` ("newer than"). A `PageSize` above 1000 is served as 1000.
 */
export function listMessages(
  store: MessageStore,
  path: string,
  query: URLSearchParams,
): ListResult {
  const pageSize = readInt(query.get("PageSize"), DEFAULT_PAGE_SIZE);
  const page = readInt(query.get("Page"), 0);
  if (pageSize === null || pageSize < 1) return invalid("PageSize");
  if (page === null) return invalid("Page");
  const dates = parseDateSentFilter(query);
  if ("invalid" in dates) return invalid(dates.invalid);
  const size = Math.min(pageSize, MAX_PAGE_SIZE);
  const token = query.get("PageToken");

  const cursor = new Candidates(store, query.get("To") || null, query.get("From") || null, dates);
  const anchor = token ? store.indexOf(token.slice(2)) : -1;
  let items: number[];
  if (anchor >= 0 && token?.startsWith("PB")) {
    items = cursor.newer(anchor, size);
  } else {
    const from = anchor >= 0 ? cursor.below(anchor) : cursor.count - 1;
    items = cursor.older(from, anchor >= 0 ? 0 : page * size, size);
  }
  const last = items.at(-1);
  const hasNext = last !== undefined && cursor.older(cursor.below(last), 0, 1).length > 0;

  const messages = items.map((index) => store.all()[index]!);
  const filters = new URLSearchParams();
  for (const name of FILTER_PARAMS) {
    const value = query.get(name);
    if (value !== null) filters.set(name, value);
  }
  const uri = (n: number, pageToken?: string | null): string => {
    const params = new URLSearchParams(filters);
    params.set("PageSize", String(size));
    params.set("Page", String(n));
    if (pageToken) params.set("PageToken", pageToken);
    return `${path}?${params}`;
  };
  const first = messages[0]?.sid;
  const body = {
    first_page_uri: uri(0),
    end: page * size + Math.max(messages.length - 1, 0),
    previous_page_uri: page > 0 && first ? uri(page - 1, `PB${first}`) : null,
    messages: messages.map(messageJson),
    uri: uri(page, token),
    page_size: size,
    start: page * size,
    next_page_uri: hasNext ? uri(page + 1, `PA${messages.at(-1)!.sid}`) : null,
    page,
  };
  return { ok: true, page: body };
}

/**
 * The messages a list may return, as positions in the store: those to `To` when given (from the
 * store's index), else all. `k` walks the candidates in creation order.
 */
class Candidates {
  readonly count: number;
  readonly #all: readonly SimMessage[];
  readonly #byTo: readonly number[] | null;

  constructor(
    store: MessageStore,
    to: string | null,
    private readonly from: string | null,
    private readonly dates: DateSentFilter,
  ) {
    this.#all = store.all();
    this.#byTo = to === null ? null : store.indicesTo(to);
    this.count = this.#byTo ? this.#byTo.length : this.#all.length;
  }

  /** Largest k whose message was created before position `index` (-1 if none). */
  below(index: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#at(mid) < index) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Newest first from k = `fromK` down: skips `skip` matches, returns up to `take` positions. */
  older(fromK: number, skip: number, take: number): number[] {
    const found: number[] = [];
    for (let k = fromK; k >= 0 && found.length < take; k--) {
      if (!this.#matches(this.#at(k))) continue;
      if (skip > 0) skip--;
      else found.push(this.#at(k));
    }
    return found;
  }

  /** The `take` matches created right after position `index`, newest first. */
  newer(index: number, take: number): number[] {
    const found: number[] = [];
    for (let k = this.below(index + 1) + 1; k < this.count && found.length < take; k++) {
      if (this.#matches(this.#at(k))) found.push(this.#at(k));
    }
    return found.reverse();
  }

  #at(k: number): number {
    return this.#byTo ? this.#byTo[k]! : k;
  }

  #matches(index: number): boolean {
    const message = this.#all[index]!;
    if (this.from !== null && message.from !== this.from) return false;
    return matchesDateSent(message, this.dates);
  }
}

function readInt(value: string | null, fallback: number): number | null {
  if (value === null || value === "") return fallback;
  return /^\d+$/.test(value) ? Number(value) : null;
}

function invalid(param: string): ListResult {
  // Twilio's code for a malformed list parameter is not documented; 20001 is its generic one.
  return { ok: false, error: twilioError(400, 20001, `Invalid value for parameter ${param}`) };
}
