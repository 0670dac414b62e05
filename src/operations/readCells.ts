import { dedupeDigest } from "../core/dedupeDigest.js";
import { type CountryCode, normalisePhone } from "../core/normalisePhone.js";
import type { Fields } from "./operation.js";

/**
 * Reads a row's cells for an operation's builder, collecting every problem instead of stopping
 * at the first, so an invalid row's reason lists all that is wrong with it.
 */
export class CellReader {
  readonly problems: string[] = [];

  constructor(private readonly fields: Fields) {}

  /** A scalar cell as written, trimmed; undefined when absent, blank, or a list (reported). */
  text(name: string): string | undefined {
    if (!Object.hasOwn(this.fields, name)) return undefined;
    const value = this.fields[name]!;
    if (Array.isArray(value)) {
      this.problems.push(`\`${name}\` must be a single value, not a list`);
      return undefined;
    }
    const trimmed = value.trim();
    return trimmed === "" ? undefined : trimmed;
  }

  /** The row's cell, else the run's default (`--flag`). */
  textOr(name: string, fallback: string | undefined): string | undefined {
    return this.text(name) ?? (fallback?.trim() || undefined);
  }

  phone(name: string, raw: string | undefined, country: CountryCode | undefined) {
    if (raw === undefined) {
      this.problems.push(`no \`${name}\`: the column is empty`);
      return undefined;
    }
    const phone = normalisePhone(raw, country);
    if (phone.ok) return phone.e164;
    this.problems.push(`${name}: ${phone.reason}`);
    return undefined;
  }

  /** A sid of the given prefix and 32 hex digits. */
  sid(name: string, raw: string | undefined, prefix: string, flag: string) {
    if (raw === undefined) {
      this.problems.push(`no \`${name}\`: give the column or ${flag}`);
      return undefined;
    }
    if (new RegExp(`^${prefix}[0-9a-f]{32}$`, "i").test(raw)) return raw;
    this.problems.push(`${name} \`${raw}\` is not ${prefix} followed by 32 hex digits`);
    return undefined;
  }

  url(name: string, raw: string | undefined) {
    if (raw === undefined) return undefined;
    if (isHttpUrl(raw)) return raw;
    this.problems.push(`${name} \`${raw}\` is not an http(s) URL`);
    return undefined;
  }

  /** A JSON object, kept as the text Twilio takes (re-serialised: one spelling per content). */
  jsonObject(name: string, raw: string | undefined): string | undefined {
    if (raw === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.problems.push(`${name} is not JSON: write it as a JSON object, e.g. {"name":"Ada"}`);
      return undefined;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      this.problems.push(`${name} must be a JSON object, got \`${raw}\``);
      return undefined;
    }
    return JSON.stringify(parsed);
  }

  integer(name: string, raw: string | undefined, min: number, max: number) {
    if (raw === undefined) return undefined;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (value >= min && value <= max) return value;
    this.problems.push(`${name} must be whole seconds from ${min} to ${max}, got \`${raw}\``);
    return undefined;
  }

  boolean(name: string, raw: string | undefined) {
    if (raw === undefined) return undefined;
    const lower = raw.toLowerCase();
    if (lower === "true" || lower === "false") return lower === "true";
    this.problems.push(`${name} must be true or false, got \`${raw}\``);
    return undefined;
  }

  choice<T extends string>(name: string, raw: string | undefined, choices: readonly T[]) {
    if (raw === undefined) return undefined;
    const found = choices.find((c) => c.toLowerCase() === raw.toLowerCase());
    if (found !== undefined) return found;
    this.problems.push(`${name} must be one of ${choices.join(", ")}, got \`${raw}\``);
    return undefined;
  }

  invalid(to: string | undefined): { ok: false; reason: string; to?: string } {
    return { ok: false, reason: this.problems.join("; "), ...(to !== undefined && { to }) };
  }
}

export function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol, hostname } = new URL(text);
  return (protocol === "https:" || protocol === "http:") && hostname !== "";
}

/** A dedupe key: the same parts, the same effect. Prefixed by the API, so APIs never collide. */
export function dedupeKeyOf(api: string, ...parts: readonly string[]): Buffer {
  return dedupeDigest([api, ...parts].join("\u0000"));
}

/** A row's value against the run's (absent on both sides counts as the same); sids in any case. */
export function sameAsRun(value: string | undefined, run: string | undefined): boolean {
  return (value?.toLowerCase() ?? null) === (run?.trim().toLowerCase() || null);
}
