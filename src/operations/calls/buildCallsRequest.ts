import { normaliseSender } from "../../core/normaliseSender.js";
import type { BuiltRequest, Fields, OperationDefaults } from "../operation.js";
import { CellReader, dedupeKeyOf } from "../readCells.js";

/** A Calls create, with twilio-node's CallListInstanceCreateOptions names. */
export interface CallsRequest {
  to: string;
  from: string;
  url?: string;
  twiml?: string;
  applicationSid?: string;
  statusCallback?: string;
  machineDetection?: "Enable" | "DetectMessageEnd";
  timeout?: number;
  record?: boolean;
  timeLimit?: number;
}

/** A row to a Calls create: who, from where, and exactly one of url / twiml / application_sid. */
export function buildCallsRequest(
  fields: Fields,
  defaults: OperationDefaults,
): BuiltRequest<CallsRequest> {
  const cells = new CellReader(fields);
  const { options } = defaults;
  const toColumn = (defaults.toColumn ?? "to").trim().toLowerCase();
  const to = cells.phone(toColumn, cells.text(toColumn), defaults.defaultCountry);
  const rawFrom = cells.textOr("from", defaults.from);
  let from: string | undefined;
  if (rawFrom === undefined) cells.problems.push("no caller: give a `from` column or --from");
  else {
    const sender = normaliseSender(rawFrom, defaults.defaultCountry);
    if (sender.ok) from = sender.from;
    else cells.problems.push(sender.reason);
  }
  const url = cells.url("url", cells.textOr("url", options.url));
  const twiml = cells.textOr("twiml", options.twiml);
  const app = cells.textOr("application_sid", options.applicationSid);
  const given = [url ?? cells.text("url"), twiml, app].filter((v) => v !== undefined).length;
  if (given !== 1) {
    cells.problems.push(
      given === 0
        ? "nothing to run on the call: give one of url, twiml or application_sid (or --url / --twiml / --application-sid)"
        : "give only one of url, twiml or application_sid",
    );
  }
  const request: CallsRequest = { to: to ?? "", from: from ?? "" };
  if (url !== undefined) request.url = url;
  if (twiml !== undefined) request.twiml = twiml;
  if (app !== undefined) {
    const sid = cells.sid("application_sid", app, "AP", "--application-sid");
    if (sid !== undefined) request.applicationSid = sid;
  }
  const callback = cells.url(
    "status_callback",
    cells.textOr("status_callback", defaults.statusCallback),
  );
  if (callback !== undefined) request.statusCallback = callback;
  const detection = cells.choice("machine_detection", cells.text("machine_detection"), [
    "Enable",
    "DetectMessageEnd",
  ] as const);
  if (detection !== undefined) request.machineDetection = detection;
  const timeout = cells.integer("timeout", cells.text("timeout"), 5, 600);
  if (timeout !== undefined) request.timeout = timeout;
  const record = cells.boolean("record", cells.text("record"));
  if (record !== undefined) request.record = record;
  const timeLimit = cells.integer("time_limit", cells.text("time_limit"), 1, 86_400);
  if (timeLimit !== undefined) request.timeLimit = timeLimit;
  if (to === undefined || from === undefined || cells.problems.length > 0) {
    return cells.invalid(to ?? cells.text(toColumn));
  }
  const what = request.url ?? request.twiml ?? request.applicationSid ?? "";
  return { ok: true, request, to, dedupeKey: dedupeKeyOf("calls", to, from, what), units: 1 };
}
