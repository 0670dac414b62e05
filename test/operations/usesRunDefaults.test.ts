import { describe, expect, it } from "vitest";
import type { RunDefaults } from "../../src/operations/operation.js";
import { OPERATIONS } from "../../src/operations/registry.js";

// Whether a row's request uses the run's own sender or resource: only then does an answer that
// it is unusable or not found stop the run.

const FLOW = `FW${"a".repeat(32)}`;
const SERVICE = `VA${"b".repeat(32)}`;
const OTHER_FLOW = `FW${"c".repeat(32)}`;
const MG = `MG${"d".repeat(32)}`;
const run: RunDefaults = {
  from: "+15005550006",
  options: { flowSid: FLOW, verifyServiceSid: SERVICE },
};

describe("usesRunDefaults", () => {
  it.each([
    ["messages", { to: "+1", from: "+15005550006", body: "hi" }, run, true],
    ["messages", { to: "+1", from: "+15005550007", body: "hi" }, run, false],
    ["messages", { to: "+1", messagingServiceSid: MG, body: "hi" }, run, false],
    [
      "messages",
      { to: "+1", messagingServiceSid: MG, body: "hi" },
      { messagingServiceSid: MG, options: {} },
      true,
    ],
    ["calls", { to: "+1", from: "+15005550006", url: "https://e.x" }, run, true],
    ["calls", { to: "+1", from: "+15005550008", url: "https://e.x" }, run, false],
    ["studio", { flowSid: FLOW, to: "+1", from: "+15005550006" }, run, true],
    ["studio", { flowSid: FLOW.toUpperCase(), to: "+1", from: "+15005550006" }, run, true],
    ["studio", { flowSid: OTHER_FLOW, to: "+1", from: "+15005550006" }, run, false],
    ["studio", { flowSid: FLOW, to: "+1", from: "+15005550006" }, { options: {} }, false],
    ["verify", { serviceSid: SERVICE, to: "+1", channel: "sms" }, run, true],
    ["verify", { serviceSid: `VA${"0".repeat(32)}`, to: "+1", channel: "sms" }, run, false],
    ["verify", { serviceSid: SERVICE, to: "+1", channel: "sms" }, { options: {} }, false],
    ["lookup", { phoneNumber: "+1" }, { options: {} }, true],
  ])("%s %j with %j → %s", (api, request, defaults, expected) => {
    expect(OPERATIONS[api]!.usesRunDefaults(request, defaults)).toBe(expected);
  });
});
