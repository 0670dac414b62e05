import type { BuiltRequest, Fields, OperationDefaults } from "../operation.js";
import { CellReader, dedupeKeyOf } from "../readCells.js";

/** A Verify v2 verification: `POST /v2/Services/{VA}/Verifications`. */
export interface VerifyRequest {
  serviceSid: string;
  to: string;
  channel: VerifyChannel;
  locale?: string;
}

export const VERIFY_CHANNELS = ["sms", "call", "email", "whatsapp"] as const;
export type VerifyChannel = (typeof VERIFY_CHANNELS)[number];

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function buildVerifyRequest(
  fields: Fields,
  defaults: OperationDefaults,
): BuiltRequest<VerifyRequest> {
  const cells = new CellReader(fields);
  const { options } = defaults;
  const toColumn = (defaults.toColumn ?? "to").trim().toLowerCase();
  const rawChannel = cells.textOr("channel", options.channel);
  if (rawChannel === undefined)
    cells.problems.push("no channel: give a `channel` column or --channel");
  const channel = cells.choice("channel", rawChannel, VERIFY_CHANNELS);
  const rawTo = cells.text(toColumn);
  let to: string | undefined;
  if (channel === "email") {
    if (rawTo !== undefined && EMAIL.test(rawTo)) to = rawTo.toLowerCase();
    else cells.problems.push(`${toColumn}: \`${rawTo ?? ""}\` is not an email address`);
  } else {
    to = cells.phone(toColumn, rawTo, defaults.defaultCountry);
  }
  const serviceSid = cells.sid(
    "verify_service_sid",
    cells.textOr("verify_service_sid", options.verifyServiceSid),
    "VA",
    "--verify-service-sid",
  );
  const locale = cells.text("locale");
  if (locale !== undefined && !/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/.test(locale)) {
    cells.problems.push(`locale \`${locale}\` is not a language code such as en or pt-BR`);
  }
  if (to === undefined || !channel || !serviceSid || cells.problems.length > 0) {
    return cells.invalid(to ?? rawTo);
  }
  const request: VerifyRequest = { serviceSid, to, channel };
  if (locale !== undefined) request.locale = locale;
  return {
    ok: true,
    request,
    to,
    dedupeKey: dedupeKeyOf("verify", serviceSid, to, channel),
    units: 1,
  };
}
