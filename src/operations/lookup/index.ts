import { type AnswerSpec, classifyAnswer } from "../../core/classifyAnswer.js";
import type { Operation } from "../operation.js";
import { buildLookupRequest, type LookupRequest, packagesProblem } from "./buildLookupRequest.js";
import { asLookupResult, lookupResult } from "./lookupResult.js";

/** A Lookup answer has no sid; a phone number is what makes it one. */
const ANSWER: AnswerSpec = {
  safety: "read",
  noun: "a Lookup answer",
  sid: null,
  status: (body) => (body.valid === false ? "invalid" : "valid"),
  result: lookupResult,
};

/** Lookup v2: `GET /v2/PhoneNumbers/{to}`; reads only, so an unknown outcome is asked again. */
export const lookup: Operation<LookupRequest> = {
  name: "lookup",
  noun: ["lookup", "lookups"],
  safety: "read",
  summary: "look a number up (validity, line type, carrier) and keep the answer in the journal",
  flags: [
    {
      flag: "--fields <packages>",
      key: "fields",
      description:
        "lookup: data packages for rows without a fields column, e.g. line_type_intelligence (added by --suppress-landlines)",
      problem: packagesProblem,
    },
  ],
  columns: ["to", "fields"],
  texts: () => false,
  build: buildLookupRequest,
  // A lookup names no sender or resource of the run's: what stops a run is the account's.
  usesRunDefaults: () => true,
  warm(api) {
    void api.client.lookups.v2;
  },
  send(api, request) {
    const { phoneNumber, ...params } = request;
    return api.capture(() =>
      api.client.lookups.v2.phoneNumbers(phoneNumber).fetchWithHttpInfo(params),
    );
  },
  classify: (result, nowMs) => classifyAnswer(result, ANSWER, nowMs),
  reconcile: { kind: "unsupported", reason: "a lookup changes nothing at Twilio" },
  report: {
    columns: ["tb_valid", "tb_line_type", "tb_carrier"],
    values(result) {
      const r = asLookupResult(result);
      return {
        tb_valid: r.valid ?? null,
        tb_line_type: r.lineType ?? null,
        tb_carrier: r.carrier ?? null,
      };
    },
  },
  suppressionFor(classification, options) {
    if (!options.suppressLandlines || classification.outcome !== "sent") return null;
    const r = asLookupResult(classification.result);
    if (r.valid === false) return { code: null, reason: "Lookup: not a valid number" };
    if (r.lineType === "landline") return { code: null, reason: "Lookup: a landline" };
    return null;
  },
};
