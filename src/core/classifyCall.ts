import type { CallResult } from "./callResult.js";
import { type AnswerSpec, type Classification, classifyAnswer } from "./classifyAnswer.js";

export type { Classification } from "./classifyAnswer.js";
export { parseRetryAfter } from "./classifyAnswer.js";

/** How a Messages create answers. */
export const MESSAGE_ANSWER: AnswerSpec = {
  safety: "create",
  noun: "a Message",
  sid: /^(SM|MM)[0-9a-f]{32}$/,
};

/** Decides what one Messages-create call came to: the messages case of classifyAnswer. */
export function classifyCall(result: CallResult, nowMs: number = Date.now()): Classification {
  return classifyAnswer(result, MESSAGE_ANSWER, nowMs);
}
