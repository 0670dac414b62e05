import { UsageError } from "../errors.js";

/**
 * Option checks at the boundary, each saying what was expected and what was given, e.g.
 * "`--rate` must be a number > 0, got `abc`".
 */
export function parseNumberOption(
  flag: string,
  raw: string | number | undefined,
  rule: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean },
): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const value = text === "" ? Number.NaN : Number(text);
  const { min, max, integer, exclusiveMin } = rule;
  const kind = integer ? "a whole number" : "a number";
  const bounds = [
    min !== undefined ? `${exclusiveMin ? ">" : "≥"} ${min}` : null,
    max !== undefined ? `≤ ${max}` : null,
  ]
    .filter(Boolean)
    .join(" and ");
  const ok =
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || (exclusiveMin ? value > min : value >= min)) &&
    (max === undefined || value <= max);
  if (!ok)
    throw new UsageError(
      `\`${flag}\` must be ${kind}${bounds ? ` ${bounds}` : ""}, got \`${text}\``,
    );
  return value;
}

export function parseChoice<T extends string>(
  flag: string,
  raw: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (raw === undefined) return undefined;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`\`${flag}\` must be one of ${choices.join(", ")}, got \`${raw}\``);
}

export function parseUrlOption(flag: string, raw: string | undefined): URL | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`\`${flag}\` must be an http(s) URL, got \`${raw}\``);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`\`${flag}\` must be an http(s) URL, got \`${raw}\``);
  }
  return url;
}
