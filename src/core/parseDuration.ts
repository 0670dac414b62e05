const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * A duration as an operator writes it, in milliseconds: `10m`, `90s`, `1h`, `1h30m`, `250ms`,
 * `2d`, or a plain number of seconds (`600`). Undefined when it is none of these (or negative,
 * which cannot be written). Pure, so the command decides what a bad value means.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (value === "") return undefined;
  // Sticky: each part must start where the previous one ended, so "10m junk" is refused.
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
  let total = 0;
  while (part.lastIndex < value.length) {
    const start = part.lastIndex;
    const match = part.exec(value);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  return Math.round(total);
}
