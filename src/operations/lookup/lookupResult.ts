import { isObject } from "../../core/classifyAnswer.js";

/** What the journal keeps of a Lookup answer: validity, line type and carrier. */
export interface LookupResult {
  phoneNumber: string | null;
  valid: boolean | null;
  validationErrors: string[];
  countryCode: string | null;
  lineType: string | null;
  carrier: string | null;
  mobileCountryCode: string | null;
  mobileNetworkCode: string | null;
}

export function lookupResult(body: Record<string, unknown>): LookupResult {
  const line = isObject(body.line_type_intelligence) ? body.line_type_intelligence : {};
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  return {
    phoneNumber: text(body.phone_number),
    valid: typeof body.valid === "boolean" ? body.valid : null,
    validationErrors: Array.isArray(body.validation_errors)
      ? body.validation_errors.map(String)
      : [],
    countryCode: text(body.country_code),
    lineType: text(line.type),
    carrier: text(line.carrier_name),
    mobileCountryCode: text(line.mobile_country_code),
    mobileNetworkCode: text(line.mobile_network_code),
  };
}

export function asLookupResult(result: unknown): Partial<LookupResult> {
  return isObject(result) ? (result as Partial<LookupResult>) : {};
}
