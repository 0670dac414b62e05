import type { MessageRequest } from "../core/messageRequest.js";

type Fields = Record<string, unknown>;

/**
 * Request keys whose value is usually the input column of this name, as written: the body
 * when no --body template renders it, a From already in E.164, and so on.
 */
const FROM_COLUMN: Readonly<Record<string, string>> = {
  body: "body",
  from: "from",
  messagingServiceSid: "messaging_service_sid",
  statusCallback: "status_callback",
};

/**
 * A row's request as `request_json` holds it: only what the row's other columns do not.
 * `to` is left out when it is the row's `to_number`, and a key whose value is exactly the
 * input column it came from (see FROM_COLUMN) is stored as null, read back from `fields_json`.
 * Without this, every row's number and body were stored twice over. Rows written before keep
 * the whole request, which reads back unchanged: `to` is then present and no value is null.
 */
export function packRequest(request: MessageRequest, to: string | null, fields: Fields): string {
  const packed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (key === "to" && value === to) continue;
    const column = FROM_COLUMN[key];
    packed[key] =
      column !== undefined && typeof value === "string" && fields[column] === value ? null : value;
  }
  return JSON.stringify(packed);
}

/** The request `packRequest` stored; `fieldsJson` is parsed only when a value points at it. */
export function unpackRequest(
  requestJson: string,
  to: string | null,
  fieldsJson: string | null,
): MessageRequest {
  const packed = JSON.parse(requestJson) as Record<string, unknown>;
  let fields: Fields | undefined;
  const request: Record<string, unknown> = {};
  if (!Object.hasOwn(packed, "to")) request.to = to;
  for (const [key, value] of Object.entries(packed)) {
    if (value === null) {
      fields ??= fieldsJson === null ? {} : (JSON.parse(fieldsJson) as Fields);
      request[key] = fields[FROM_COLUMN[key] ?? key];
    } else request[key] = value;
  }
  return request as unknown as MessageRequest;
}
