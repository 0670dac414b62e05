import { API_VERSION, rfc2822 } from "./messageJson.js";
import type { SimCall } from "./simCall.js";

export function callUri(accountSid: string, sid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Calls/${sid}.json`;
}

/** A call as Twilio's API returns it: snake_case, dates in RFC 2822, duration as a string. */
export function callJson(call: SimCall): Record<string, unknown> {
  const uri = callUri(call.accountSid, call.sid);
  const base = uri.slice(0, -".json".length);
  const duration =
    call.startTime && call.endTime
      ? String(Math.round((call.endTime.getTime() - call.startTime.getTime()) / 1000))
      : null;
  return {
    sid: call.sid,
    date_created: rfc2822(call.dateCreated),
    date_updated: rfc2822(call.dateUpdated),
    parent_call_sid: null,
    account_sid: call.accountSid,
    to: call.to,
    to_formatted: formatted(call.to),
    from: call.from,
    from_formatted: formatted(call.from),
    phone_number_sid: null,
    status: call.status,
    start_time: call.startTime && rfc2822(call.startTime),
    end_time: call.endTime && rfc2822(call.endTime),
    duration,
    price: null,
    price_unit: "USD",
    direction: "outbound-api",
    answered_by: null,
    api_version: API_VERSION,
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: "0",
    trunk_sid: null,
    uri,
    subresource_uris: {
      notifications: `${base}/Notifications.json`,
      recordings: `${base}/Recordings.json`,
      payments: `${base}/Payments.json`,
      events: `${base}/Events.json`,
      siprec: `${base}/Siprec.json`,
      streams: `${base}/Streams.json`,
      transcriptions: `${base}/Transcriptions.json`,
      user_defined_message_subscriptions: `${base}/UserDefinedMessageSubscriptions.json`,
      user_defined_messages: `${base}/UserDefinedMessages.json`,
    },
  };
}

/** North American numbers as Twilio displays them, "(415) 555-1212"; others as given. */
function formatted(address: string): string {
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(address);
  return nanp ? `(${nanp[1]}) ${nanp[2]}-${nanp[3]}` : address;
}
