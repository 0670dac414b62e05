import { type TwilioErrorBody, twilioError } from "./twilioError.js";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/** `PageSize`, `Page` and `PageToken` as read; `size` is capped at 1000, as at Twilio. */
export interface Paging {
  size: number;
  page: number;
  token: string | null;
}

/** What a list pages through: every resource in creation order, findable by sid. */
export interface PageSource<T> {
  all(): readonly T[];
  indexOf(sid: string): number;
}

export interface PageOf<T> {
  items: T[];
  hasNext: boolean;
}

export function readPaging(query: URLSearchParams): Paging | { error: TwilioErrorBody } {
  const pageSize = readInt(query.get("PageSize"), DEFAULT_PAGE_SIZE);
  const page = readInt(query.get("Page"), 0);
  if (pageSize === null || pageSize < 1) return { error: invalidParameter("PageSize") };
  if (page === null) return { error: invalidParameter("Page") };
  return { size: Math.min(pageSize, MAX_PAGE_SIZE), page, token: query.get("PageToken") };
}

/** Twilio's code for a malformed list parameter is not documented; 20001 is its generic one. */
export function invalidParameter(param: string): TwilioErrorBody {
  return twilioError(400, 20001, `Invalid value for parameter ${param}`);
}

/**
 * One page, newest first. Paging works both ways Twilio's does: `Page` alone skips
 * `Page × PageSize` matches, and a token `PA<sid>` ("older than this one") or `PB<sid>` ("newer
 * than") anchors the page on a resource, so walking the pages stays consistent while new
 * resources are being created. `subset` (positions in `all()`, ascending; e.g. those to one To)
 * narrows the walk before `matches` is asked.
 */
export function pageNewestFirst<T>(
  source: PageSource<T>,
  subset: readonly number[] | null,
  matches: (item: T) => boolean,
  paging: Paging,
): PageOf<T> {
  const cursor = new Candidates(source.all(), subset, matches);
  const { token, size } = paging;
  const anchor = token ? source.indexOf(token.slice(2)) : -1;
  let found: number[];
  if (anchor >= 0 && token?.startsWith("PB")) {
    found = cursor.newer(anchor, size);
  } else {
    const from = anchor >= 0 ? cursor.below(anchor) : cursor.count - 1;
    found = cursor.older(from, anchor >= 0 ? 0 : paging.page * size, size);
  }
  const last = found.at(-1);
  const hasNext = last !== undefined && cursor.older(cursor.below(last), 0, 1).length > 0;
  const all = source.all();
  return { items: found.map((index) => all[index]!), hasNext };
}

/** The candidates of a list as positions in `all`; `k` walks them in creation order. */
class Candidates<T> {
  readonly count: number;

  constructor(
    private readonly all: readonly T[],
    private readonly subset: readonly number[] | null,
    private readonly matches: (item: T) => boolean,
  ) {
    this.count = subset ? subset.length : all.length;
  }

  /** Largest k whose resource was created before position `index` (-1 if none). */
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
      if (!this.matches(this.all[this.#at(k)]!)) continue;
      if (skip > 0) skip--;
      else found.push(this.#at(k));
    }
    return found;
  }

  /** The `take` matches created right after position `index`, newest first. */
  newer(index: number, take: number): number[] {
    const found: number[] = [];
    for (let k = this.below(index + 1) + 1; k < this.count && found.length < take; k++) {
      if (this.matches(this.all[this.#at(k)]!)) found.push(this.#at(k));
    }
    return found.reverse();
  }

  #at(k: number): number {
    return this.subset ? this.subset[k]! : k;
  }
}

function readInt(value: string | null, fallback: number): number | null {
  if (value === null || value === "") return fallback;
  return /^\d+$/.test(value) ? Number(value) : null;
}
