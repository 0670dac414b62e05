import { LOOKUP_PACKAGES } from "../../core/lookupPackages.js";
import type { BuiltRequest, Fields, OperationDefaults } from "../operation.js";
import { CellReader, dedupeKeyOf } from "../readCells.js";

/** A Lookup v2 fetch: `GET /v2/PhoneNumbers/{phoneNumber}?Fields=…`. */
export interface LookupRequest {
  phoneNumber: string;
  /** Comma-separated data packages, e.g. `line_type_intelligence`. */
  fields?: string;
}

/** The packages `--suppress-landlines` needs: without a line type no landline is ever found. */
const LINE_TYPE = "line_type_intelligence";

/** Why a comma-separated package list is refused, or undefined when every name is a package. */
export function packagesProblem(list: string): string | undefined {
  const unknown = splitPackages(list).filter(
    (name) => !(LOOKUP_PACKAGES as readonly string[]).includes(name),
  );
  if (unknown.length === 0) return undefined;
  const names = unknown.map((name) => `\`${name}\``).join(", ");
  return `${names} ${unknown.length === 1 ? "is not a Lookup data package" : "are not Lookup data packages"} (${LOOKUP_PACKAGES.join(", ")})`;
}

function splitPackages(list: string): string[] {
  return list
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
}

export function buildLookupRequest(
  fields: Fields,
  defaults: OperationDefaults,
): BuiltRequest<LookupRequest> {
  const cells = new CellReader(fields);
  const toColumn = (defaults.toColumn ?? "to").trim().toLowerCase();
  const to = cells.phone(toColumn, cells.text(toColumn), defaults.defaultCountry);
  const packages = splitPackages(cells.textOr("fields", defaults.options.fields) ?? "");
  for (const name of packages) {
    if (!(LOOKUP_PACKAGES as readonly string[]).includes(name)) {
      cells.problems.push(
        `fields: \`${name}\` is not a Lookup data package (${LOOKUP_PACKAGES.join(", ")})`,
      );
    }
  }
  if (defaults.suppression?.suppressLandlines && !packages.includes(LINE_TYPE)) {
    packages.push(LINE_TYPE);
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
