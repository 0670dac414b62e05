import { type AnswerSpec, classifyAnswer } from "../../core/classifyAnswer.js";
import type { Operation } from "../operation.js";
import { sameAsRun } from "../readCells.js";
import { buildStudioRequest, STUDIO_COLUMNS, type StudioRequest } from "./buildStudioRequest.js";

const ANSWER: AnswerSpec = {
  safety: "create",
  noun: "an Execution",
  sid: /^FN[0-9a-f]{32}$/,
  // Not found speaks for every row only when the flow is the run's (`usesRunDefaults`).
  fatalCodes: new Set([20404]),
  result: (body) => ({ sid: body.sid, status: body.status }),
};

/** Studio v2: starts a flow execution for one contact. */
export const studio: Operation<StudioRequest> = {
  name: "studio",
  noun: ["Studio execution", "Studio executions"],
  safety: "create",
  summary: "start a Studio flow execution (Twilio allows at most 20 per second)",
  rate: {
    note: "Twilio accepts at most 20 Studio REST executions per second and answers 429 above it (retried, never doubled)",
    max: 20,
  },
  flags: [
    {
      flag: "--flow-sid <sid>",
      key: "flowSid",
      description: "studio: the flow (FW…) for rows without a flow_sid column",
      valid: { pattern: /^FW[0-9a-f]{32}$/i, expected: "FW followed by 32 hexadecimal digits" },
    },
  ],
  columns: STUDIO_COLUMNS,
  texts: () => true,
  build: buildStudioRequest,
  usesRunDefaults: (request, run) =>
    sameAsRun(request.flowSid, run.options.flowSid) && sameAsRun(request.from, run.from),
  warm(api) {
    void api.client.studio.v2;
  },
  send(api, request) {
    const { flowSid, ...params } = request;
    return api.capture(() =>
      api.client.studio.v2.flows(flowSid).executions.createWithHttpInfo(params),
    );
  },
  classify: (result, nowMs) => classifyAnswer(result, ANSWER, nowMs),
  reconcile: {
    kind: "search",
    async find(api, query) {
      const found = await api.client.studio.v2.flows(query.request.flowSid).executions.list({
        dateCreatedFrom: new Date(query.from),
        dateCreatedTo: new Date(query.until),
        limit: query.limit,
        pageSize: Math.min(1000, query.limit),
      });
      return found.map((e) => ({
        sid: e.sid,
        status: String(e.status),
        to: e.contactChannelAddress,
        from: null,
        createdAt: e.dateCreated ? e.dateCreated.getTime() : null,
      }));
    },
    // A listed execution shows its contact, not its sender or data.
    key: (request) => JSON.stringify([request.flowSid, request.to]),
    match: (request, remote) => remote.to === request.to,
  },
  report: {
    columns: ["tb_execution_status"],
    values: (result) => ({
      tb_execution_status:
        typeof result === "object" && result !== null
          ? String((result as { status?: unknown }).status ?? "") || null
          : null,
    }),
  },
};
