/**
 * Lookup v2's data packages, the values its `Fields` parameter takes (Twilio's OpenAPI
 * description of `GET /v2/PhoneNumbers/{PhoneNumber}` lists them). Shared by the request
 * builder, which refuses other names, and the simulator, which answers each.
 */
export const LOOKUP_PACKAGES = [
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
