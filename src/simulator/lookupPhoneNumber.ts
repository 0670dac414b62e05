import { LOOKUP_PACKAGES } from "../core/lookupPackages.js";
import { lookupLine } from "./lookupNumbers.js";
import { type MeteredInput, type Prepared, refusal } from "./prepared.js";
import { notFound } from "./twilioError.js";

// Every data package but `validation` is a property of the answer of its own; those the
// simulator does not model answer null. `validation` answers in `valid` and `validation_errors`.
const PACKAGES = LOOKUP_PACKAGES.filter((name) => name !== "validation");

const CARRIERS: Readonly<Record<string, string>> = {
  mobile: "Simulated Mobile",
  landline: "Simulated Landline",
  nonFixedVoip: "Simulated VoIP",
  fixedVoip: "Simulated VoIP",
};

/**
 * GET /v2/PhoneNumbers/{PhoneNumber}?Fields=…: validity always (Lookup's free answer), line type
 * when `Fields` asks for line_type_intelligence. Unknown fields are ignored (Twilio's answer to
 * them is unconfirmed). Nothing is stored: a Lookup is a read.
 */
export function lookupPhoneNumber(input: MeteredInput): Prepared {
  const number = input.subject ?? "";
  if (number === "") return refusal(notFound("/v2/PhoneNumbers/"));
  const fields = new Set(
    (input.form.get("Fields") ?? "")
      .split(",")
      .map((field) => field.trim())
      .filter(Boolean),
  );
  return {
    ok: true,
    commit() {
      const facts = lookupLine(number);
      const body: Record<string, unknown> = {
        calling_country_code: facts.callingCountryCode,
        country_code: facts.countryCode,
        phone_number: number,
        national_format: facts.nationalFormat,
        valid: facts.valid,
        validation_errors: facts.validationErrors,
      };
      for (const name of PACKAGES) body[name] = null;
      if (fields.has("line_type_intelligence") && facts.valid) {
        body.line_type_intelligence = lineTypeIntelligence(facts.type, facts.countryCode);
      }
      body.url = `${input.origin}/v2/PhoneNumbers/${encodeURIComponent(number)}`;
      return { status: 200, body, sid: null };
    },
  };
}

function lineTypeIntelligence(
  type: string | null,
  country: string | null,
): Record<string, unknown> {
  const mobile = type === "mobile" && country === "US";
  return {
    carrier_name: (type && CARRIERS[type]) ?? null,
    error_code: null,
    mobile_country_code: mobile ? "310" : null,
    mobile_network_code: mobile ? "456" : null,
    type,
  };
}
