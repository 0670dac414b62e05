import { DEFAULT_API, OPERATIONS } from "./registry.js";

/**
 * The plan's per-API lines: how many rows go to each API, and each API's own rate ceiling
 * when `--rate` is above it. The rate is not clamped: above the ceiling Twilio queues calls,
 * and answers Studio with 429s, which are retried (never doubled); the operator chose the rate.
 */
export function describePlan(byApi: Readonly<Record<string, number>>, rate: number): string[] {
  const apis = Object.entries(byApi).filter(([, count]) => count > 0);
  if (apis.length === 0 || (apis.length === 1 && apis[0]![0] === DEFAULT_API)) return [];
  const lines = [`      by API: ${apis.map(([api, count]) => `${api} ${count}`).join(", ")}.`];
  for (const [api] of apis) {
    const note = OPERATIONS[api]?.rate;
    if (note && note.max !== undefined && rate > note.max) {
      lines.push(`      Note (${api}): --rate ${rate} is above ${note.max}/s: ${note.note}.`);
    }
  }
  return lines;
}
