import { buildRequest } from "../../core/buildRequest.js";
import type { MessageRequest } from "../../core/messageRequest.js";
import type { BuiltRequest, Fields, OperationDefaults } from "../operation.js";
import { CellReader, dedupeKeyOf } from "../readCells.js";

/** A Messages create: the core's request plus Content templates, as twilio-node names them. */
export interface MessagesRequest extends MessageRequest {
  contentSid?: string;
  contentVariables?: string;
}

const WHATSAPP = /^whatsapp:/i;
/**
 * A body the core's builder accepts while a Content template is the message: the core insists
 * on a body or media, and its file is shared with the pre-flight's optimisations, so the
 * template case is wrapped here rather than taught to it.
 */
const TEMPLATE_STAND_IN = "\u0001content template\u0001";

/** No template and no WhatsApp address: nothing for this wrapper to add. */
function plainMessage(fields: Fields, defaults: OperationDefaults): boolean {
  const to = fields[(defaults.toColumn ?? "to").trim().toLowerCase()];
  const from = fields.from;
  return (
    fields.content_sid === undefined &&
    fields.content_variables === undefined &&
    !(typeof to === "string" && /^\s*whatsapp:/i.test(to)) &&
    !(typeof from === "string" && /^\s*whatsapp:/i.test(from)) &&
    !(defaults.from !== undefined && WHATSAPP.test(defaults.from))
  );
}

/**
 * A row to a Messages create. The core's buildRequest does the work; this adds what it does not
 * know: `whatsapp:` addresses (the number part normalised, the prefix kept) and Content
 * templates (`content_sid`, `content_variables` as a JSON object).
 */
export function buildMessagesRequest(
  fields: Fields,
  defaults: OperationDefaults,
): BuiltRequest<MessagesRequest> {
  if (plainMessage(fields, defaults)) {
    // The common row, straight to the core's builder: the pre-flight reads millions of them.
    const built = buildRequest({ fields }, defaults);
    if (!built.ok) return built;
    const { request, dedupeKey, segments } = built;
    return { ok: true, request, to: request.to, dedupeKey, units: segments };
  }
  const cells = new CellReader(fields);
  const toColumn = (defaults.toColumn ?? "to").trim().toLowerCase();
  const contentSid = cells.text("content_sid");
  const variables = cells.jsonObject("content_variables", cells.text("content_variables"));
  const whatsapp = {
    to: WHATSAPP.test(cells.text(toColumn) ?? ""),
    from: WHATSAPP.test(cells.text("from") ?? defaults.from ?? ""),
  };
  const input: Fields = { ...fields };
  const unprefixed = (name: string) => {
    const value = input[name];
    if (typeof value === "string") input[name] = value.trim().replace(WHATSAPP, "");
  };
  if (whatsapp.to) unprefixed(toColumn);
  if (whatsapp.from) unprefixed("from");
  const from = defaults.from?.replace(WHATSAPP, "");
  if (contentSid !== undefined) {
    const hasBody = cells.text("body") !== undefined || defaults.bodyTemplate !== undefined;
    if (hasBody || cells.text("media_url") !== undefined) {
      cells.problems.push("give either a content_sid or a body/media_url, not both");
    }
    if (!/^HX[0-9a-f]{32}$/i.test(contentSid)) {
      cells.problems.push(`content_sid \`${contentSid}\` is not HX followed by 32 hex digits`);
    }
    input.body = TEMPLATE_STAND_IN;
    delete input.media_url;
  } else if (variables !== undefined) {
    cells.problems.push("content_variables needs a content_sid");
  }
  const built = buildRequest(
    { fields: input },
    {
      ...defaults,
      ...(from !== undefined && { from }),
      ...(contentSid !== undefined && { bodyTemplate: undefined }),
    },
  );
  const problems = [...(built.ok ? [] : [built.reason]), ...cells.problems];
  if (!built.ok || problems.length > 0) {
    const to = built.ok ? built.request.to : built.to;
    return { ok: false, reason: problems.join("; "), ...(to !== undefined && { to }) };
  }
  const request: MessagesRequest = { ...built.request };
  if (whatsapp.to) request.to = `whatsapp:${request.to}`;
  if (whatsapp.from && request.from !== undefined) request.from = `whatsapp:${request.from}`;
  if (contentSid === undefined && !whatsapp.to) {
    return { ok: true, request, to: request.to, dedupeKey: built.dedupeKey, units: built.segments };
  }
  if (contentSid !== undefined) {
    delete request.body;
    request.contentSid = contentSid;
    if (variables !== undefined) request.contentVariables = variables;
  }
  const content = contentSid !== undefined ? `${contentSid}\u0000${variables ?? ""}` : request.body;
  return {
    ok: true,
    request,
    to: request.to,
    dedupeKey: dedupeKeyOf(
      "messages",
      request.to,
      content ?? "",
      (request.mediaUrl ?? []).join(" "),
    ),
    units: contentSid !== undefined ? 1 : built.segments,
  };
}
