import { normalisePhone } from "../core/normalisePhone.js";
import type { BuiltRequest, Fields, OperationDefaults } from "./operation.js";
import { API_NAMES, OPERATIONS } from "./registry.js";

/** The run's defaults, with `--api`: the API of rows without an `api` column. */
export interface RowDefaults extends OperationDefaults {
  api: string;
}

export type BuiltRow = BuiltRequest & {
  /** The API the row asked for (lower case), known or not: an unknown one makes it invalid. */
  api: string;
  /** Whether the row reaches a person by text (opt-outs skip it). */
  texts: boolean;
  /** Its SMS segments (0 for APIs that send none). */
  segments: number;
};

/** A row to its API's request: the `api` column (any case) wins over `--api`. */
export function buildRow(fields: Fields, defaults: RowDefaults): BuiltRow {
  const cell = Object.hasOwn(fields, "api") ? fields.api : undefined;
  if (Array.isArray(cell)) {
    return invalidRow("`api` must be a single value, not a list", defaults.api, fields, defaults);
  }
  const named = cell !== undefined && cell.trim() !== "" ? cell.trim().toLowerCase() : undefined;
  const api = named ?? defaults.api;
  const op = OPERATIONS[api];
  if (!op) {
    const shown = cell?.trim() ?? api;
    const reason = `api \`${shown}\` is not one of ${API_NAMES.join(", ")}`;
    return invalidRow(reason, api, fields, defaults);
  }
  const built = op.build(fields, defaults);
  if (!built.ok) return { ...built, api, texts: false, segments: 0 };
  // Written out, not spread: the spread took half of this function's time on a large list.
  const { request, to, dedupeKey, units } = built;
  const texts = op.texts(request);
  return { ok: true, request, to, dedupeKey, units, api, texts, segments: op.segments ? units : 0 };
}

/** A row no operation could read: its recipient kept as written, so the report still shows it. */
function invalidRow(reason: string, api: string, fields: Fields, defaults: RowDefaults): BuiltRow {
  const written = fields[(defaults.toColumn ?? "to").trim().toLowerCase()];
  const raw = typeof written === "string" ? written.trim() : "";
  const phone = raw === "" ? undefined : normalisePhone(raw, defaults.defaultCountry);
  const to = phone?.ok ? phone.e164 : raw;
  return { ok: false, reason, api, texts: false, segments: 0, ...(to !== "" && { to }) };
}
