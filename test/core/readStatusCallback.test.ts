import { describe, expect, it } from "vitest";
import { readStatusCallback } from "../../src/core/readStatusCallback.js";

describe("readStatusCallback", () => {
  const sid = `SM${"a".repeat(32)}`;
  it.each([
    [
      { MessageSid: sid, MessageStatus: "delivered", AccountSid: "AC1" },
      { ok: true, sid, status: "delivered", errorCode: null, accountSid: "AC1" },
    ],
    [
      { MessageSid: sid, MessageStatus: "undelivered", ErrorCode: "30006" },
      { ok: true, status: "undelivered", errorCode: 30006, accountSid: null },
    ],
    [
      { SmsSid: sid, SmsStatus: "sent" },
      { ok: true, sid, status: "sent" },
    ],
    [
      { MessageSid: sid, MessageStatus: "Sent", ErrorCode: "" },
      { ok: true, status: "sent", errorCode: null },
    ],
    [{ MessageStatus: "sent" }, { ok: false, problem: "no MessageSid" }],
    [
      { MessageSid: "SM1", MessageStatus: "sent" },
      { ok: false, problem: "MessageSid is not SM or MM + 32 hex digits" },
    ],
    [{ MessageSid: sid }, { ok: false, problem: "no MessageStatus" }],
    [
      { MessageSid: sid, MessageStatus: "<script>" },
      { ok: false, problem: "MessageStatus is not a status name" },
    ],
    [
      { MessageSid: sid, MessageStatus: "failed", ErrorCode: "x" },
      { ok: false, problem: "ErrorCode is not a number" },
    ],
  ] as const)("%o → %o", (params, expected) => {
    expect(readStatusCallback(params)).toMatchObject(expected);
  });
});
