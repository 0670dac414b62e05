import { OPERATIONS } from "./registry.js";

const n = (value: number) => value.toLocaleString("en-US");

/**
 * Rows by API as the plan and the question say them ("3 messages", "1 call"), in the
 * registry's order. `segments`: only the APIs whose units are SMS segments (true), or only
 * the others (false); all when absent. An API this build lacks is counted by its name.
 */
export function countRequests(
  byApi: Readonly<Record<string, number>>,
  only: { segments?: boolean } = {},
): string[] {
  const names = [
    ...Object.keys(OPERATIONS),
    ...Object.keys(byApi).filter((api) => !OPERATIONS[api]),
  ];
  return names.flatMap((api) => {
    const count = byApi[api] ?? 0;
    const op = OPERATIONS[api];
    if (count === 0) return [];
    if (only.segments !== undefined && (op?.segments ?? false) !== only.segments) return [];
    const [one, many] = op?.noun ?? [api, api];
    return [`${n(count)} ${count === 1 ? one : many}`];
  });
}

/** How many of the rows are for APIs whose units are SMS segments. */
export function segmentRows(byApi: Readonly<Record<string, number>>): number {
  return Object.entries(byApi).reduce(
    (sum, [api, count]) => sum + (OPERATIONS[api]?.segments ? count : 0),
    0,
  );
}
