import type { PageOf, Paging } from "./pageNewestFirst.js";

/** How a page links to its neighbours: the filters it was asked with, and its tokens. */
export interface PageLinks {
  /** The list's path, e.g. "/2010-04-01/Accounts/AC…/Calls.json". */
  path: string;
  /** The filter parameters to carry into every link, in order. */
  filters: URLSearchParams;
  paging: Paging;
  firstSid: string | undefined;
  lastSid: string | undefined;
  hasNext: boolean;
}

/** The links of one page of a list, carrying the filters named in `filterParams`. */
export function pageLinks(
  path: string,
  query: URLSearchParams,
  filterParams: readonly string[],
  paging: Paging,
  page: PageOf<{ sid: string }>,
): PageLinks {
  return {
    path,
    filters: pickFilters(query, filterParams),
    paging,
    firstSid: page.items[0]?.sid,
    lastSid: page.items.at(-1)?.sid,
    hasNext: page.hasNext,
  };
}

function link(links: PageLinks, page: number, token?: string | null): string {
  const params = new URLSearchParams(links.filters);
  params.set("PageSize", String(links.paging.size));
  params.set("Page", String(page));
  if (token) params.set("PageToken", token);
  return `${links.path}?${params}`;
}

/** The 2010-04-01 list format: the items under `key`, paging fields beside them, relative URIs. */
export function envelope2010(
  key: string,
  items: unknown[],
  links: PageLinks,
): Record<string, unknown> {
  const { page, size, token } = links.paging;
  const { firstSid, lastSid } = links;
  return {
    first_page_uri: link(links, 0),
    end: page * size + Math.max(items.length - 1, 0),
    previous_page_uri: page > 0 && firstSid ? link(links, page - 1, `PB${firstSid}`) : null,
    [key]: items,
    uri: link(links, page, token),
    page_size: size,
    start: page * size,
    next_page_uri: links.hasNext ? link(links, page + 1, `PA${lastSid}`) : null,
    page,
  };
}

/**
 * The v2 list format (`{key: [...], meta: {...}}`) with absolute URLs on `origin`. twilio-node
 * follows `meta.next_page_url` as is, and finds the items by `meta.key`.
 */
export function envelopeV2(
  key: string,
  items: unknown[],
  links: PageLinks,
  origin: string,
): Record<string, unknown> {
  const { page, size, token } = links.paging;
  const { firstSid, lastSid } = links;
  const url = (n: number, pageToken?: string | null) => `${origin}${link(links, n, pageToken)}`;
  return {
    [key]: items,
    meta: {
      page,
      page_size: size,
      first_page_url: url(0),
      previous_page_url: page > 0 && firstSid ? url(page - 1, `PB${firstSid}`) : null,
      url: url(page, token),
      next_page_url: links.hasNext ? url(page + 1, `PA${lastSid}`) : null,
      key,
    },
  };
}

/** The filter parameters present in `query`, in the order given. */
export function pickFilters(query: URLSearchParams, names: readonly string[]): URLSearchParams {
  const filters = new URLSearchParams();
  for (const name of names) {
    const value = query.get(name);
    if (value !== null) filters.set(name, value);
  }
  return filters;
}
