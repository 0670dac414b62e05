import { normaliseSender } from "../../core/normaliseSender.js";
import type { BuiltRequest, Fields, OperationDefaults } from "../operation.js";
import { CellReader, dedupeKeyOf } from "../readCells.js";

/** A Studio REST execution: `POST /v2/Flows/{FW}/Executions`. */
export interface StudioRequest {
  flowSid: string;
  to: string;
  from: string;
  /** JSON object text: the flow's `flow.data`. */
  parameters?: string;
}

/** Columns the execution itself uses; with no `parameters` column, every other one is flow data. */
export const STUDIO_COLUMNS = ["to", "from", "flow_sid", "parameters", "api"] as const;

export function buildStudioRequest(
  fields: Fields,
  defaults: OperationDefaults,
): BuiltRequest<StudioRequest> {
  const cells = new CellReader(fields);
  const toColumn = (defaults.toColumn ?? "to").trim().toLowerCase();
  const to = cells.phone(toColumn, cells.text(toColumn), defaults.defaultCountry);
  const rawFrom = cells.textOr("from", defaults.from);
  let from: string | undefined;
  if (rawFrom === undefined) cells.problems.push("no sender: give a `from` column or --from");
  else if (/^MG[0-9a-f]{32}$/i.test(rawFrom)) from = rawFrom;
  else {
    const sender = normaliseSender(rawFrom, defaults.defaultCountry);
    if (sender.ok) from = sender.from;
    else cells.problems.push(sender.reason);
  }
  const flowSid = cells.sid(
    "flow_sid",
    cells.textOr("flow_sid", defaults.options.flowSid),
    "FW",
    "--flow-sid",
  );
  const parameters =
    cells.jsonObject("parameters", cells.text("parameters")) ?? restAsParameters(fields, toColumn);
  if (to === undefined || !from || !flowSid || cells.problems.length > 0) {
    return cells.invalid(to ?? cells.text(toColumn));
  }
  const request: StudioRequest = { flowSid, to, from };
  if (parameters !== undefined) request.parameters = parameters;
  return {
    ok: true,
    request,
    to,
    dedupeKey: dedupeKeyOf("studio", flowSid, to, from, parameters ?? ""),
    units: 1,
  };
}

/** Every column the execution does not use, as flow data: a list's columns reach the flow as they are. */
function restAsParameters(fields: Fields, toColumn: string): string | undefined {
  const used = new Set<string>([...STUDIO_COLUMNS, toColumn]);
  const data: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (used.has(name) || name.startsWith("tb_")) continue;
    if (typeof value === "string" && value.trim() === "") continue;
    data[name] = value;
  }
  return Object.keys(data).length > 0 ? JSON.stringify(data) : undefined;
}
