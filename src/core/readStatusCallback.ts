/** The fields of a Messages status callback that the journal records. */
export interface StatusCallback {
  sid: string;
  status: string;
  errorCode: number | null;
  accountSid: string | null;
}

export type StatusCallbackRead = ({ ok: true } & StatusCallback) | { ok: false; problem: string };

const SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
const STATUS = /^[a-z_]{1,40}$/;

/**
 * A status callback's form fields (MessageSid, MessageStatus, ErrorCode, AccountSid, …) as a
 * value, or what is wrong with them. Older callbacks name the same fields SmsSid / SmsStatus.
 */
export function readStatusCallback(
  params: Record<string, string | string[] | undefined>,
): StatusCallbackRead {
  const field = (name: string) => {
    const value = params[name];
    return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
  };
  const sid = field("MessageSid") ?? field("SmsSid");
  const status = (field("MessageStatus") ?? field("SmsStatus"))?.toLowerCase();
  const code = field("ErrorCode");
  if (sid === undefined) return { ok: false, problem: "no MessageSid" };
  if (!SID.test(sid)) return { ok: false, problem: "MessageSid is not SM or MM + 32 hex digits" };
  if (status === undefined) return { ok: false, problem: "no MessageStatus" };
  if (!STATUS.test(status)) return { ok: false, problem: "MessageStatus is not a status name" };
  if (code !== undefined && !/^\d{1,9}$/.test(code)) {
    return { ok: false, problem: "ErrorCode is not a number" };
  }
  return {
    ok: true,
    sid,
    status,
    errorCode: code === undefined ? null : Number(code),
    accountSid: field("AccountSid") ?? null,
  };
}
