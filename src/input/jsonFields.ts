import { InputError, type InputLocation } from "../errors.js";

/**
 * One parsed JSON record to reader fields. Keys are matched like CSV header names (trimmed,
 * any case); values keep what the pre-flight can judge: scalars as text, `null` as absent,
 * a list of strings as a list (media_url), and anything else as its JSON text so the
 * pre-flight rejects that row instead of the whole file.
 */
export function jsonFields(value: unknown, at: InputLocation): Record<string, string | string[]> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(
      `expected an object such as {"to": "+15551234567"}, found ${kindOf(value)}`,
      at,
    );
  }
  const fields: Record<string, string | string[]> = Object.create(null);
  const keys = new Map<string, string>();
  for (const [key, raw] of Object.entries(value)) {
    const name = key.trim().toLowerCase();
    const clash = keys.get(name);
    if (clash !== undefined) {
      throw new InputError(`the object has both \`${clash}\` and \`${key}\`; keys ignore case`, at);
    }
    keys.set(name, key);
    const field = fieldValue(raw);
    if (field !== undefined) fields[name] = field;
  }
  return fields;
}

function fieldValue(raw: unknown): string | string[] | undefined {
  if (raw === null) return undefined;
  if (typeof raw === "string") return raw;
  if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
  if (Array.isArray(raw) && raw.every((item) => typeof item === "string")) return [...raw];
  return JSON.stringify(raw);
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
