import type { BuiltRequest, Fields, OperationDefaults } from "../operation.js";
import { CellReader, dedupeKeyOf } from "../readCells.js";

/** A Lookup v2 fetch: `GET /v2/PhoneNumbers/{phoneNumber}?Fields=…`. */
export interface LookupRequest {
  phoneNumber: string;
  /** Comma-separated data packages, e.g. `line_type_intelligence`. */
  fields?: string;
}

const PACKAGES = [
  "validation",
  "caller_name",
  "sim_swap",
  "call_forwarding",
  "line_status",
  "line_type_intelligence",
  "identity_match",
  "reassigned_number",
  "sms_pumping_risk",
  "phone_number_quality_score",
  "pre_fill",
] as const;

export function buildLookupRequest(
  fields: Fields,
  defaults: OperationDefaults,
): BuiltRequest<LookupRequest> {
  const cells = new CellReader(fields);
  const toColumn = (defaults.toColumn ?? "to").trim().toLowerCase();
  const to = cells.phone(toColumn, cells.text(toColumn), defaults.defaultCountry);
  const packages = (cells.textOr("fields", defaults.options.fields) ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  for (const name of packages) {
    if (!(PACKAGES as readonly string[]).includes(name)) {
      cells.problems.push(
        `fields: \`${name}\` is not a Lookup data package (${PACKAGES.join(", ")})`,
      );
    }
  }
  if (to === undefined || cells.problems.length > 0)
    return cells.invalid(to ?? cells.text(toColumn));
  const request: LookupRequest = { phoneNumber: to };
  if (packages.length > 0) request.fields = packages.join(",");
  return {
    ok: true,
    request,
    to,
    dedupeKey: dedupeKeyOf("lookup", to, request.fields ?? ""),
    units: 1,
  };
}
