import { countSegments, type SmsEncoding } from "./countSegments.js";
import { dedupeDigest } from "./dedupeDigest.js";
import type { MessageRequest } from "./messageRequest.js";
import { type CountryCode, normalisePhone } from "./normalisePhone.js";
import { normaliseSender } from "./normaliseSender.js";
import { parseSendAt } from "./parseSendAt.js";
import { renderTemplate } from "./renderTemplate.js";

export interface RequestDefaults {
  /** `--from`; a row's `from` column wins. */
  from?: string;
  /** `--messaging-service-sid`; a row's `messaging_service_sid` column wins. */
  messagingServiceSid?: string;
  /** `--body`: wins over a `body` column, which it can include as `{{body}}`. */
  bodyTemplate?: string;
  /** Reads national numbers (`to`, `from`) as this country's. */
  defaultCountry?: CountryCode;
  /** @default "to" */
  toColumn?: string;
  /** `--status-callback-url` (validated by the caller); a row's `status_callback` column wins. */
  statusCallback?: string;
  /** What `send_at` is judged against. @default new Date() */
  now?: Date;
}

export type BuiltRow =
  | {
      ok: true;
      request: MessageRequest;
      /** What the rate meter charges: the body's SMS segments, at least 1 (media-only is one MMS). */
      segments: number;
      encoding: SmsEncoding;
      /** Same recipient, same text, same media: the same message (16 bytes, dedupeDigest). */
      dedupeKey: Buffer;
    }
  | {
      ok: false;
      reason: string /** Normalised when it got that far, else as written. */;
      to?: string;
    };

/** Twilio's limit, counted in UTF-16 units: the larger reading, so nothing we pass is over. */
const MAX_BODY = 1600;
const MAX_MEDIA = 10;
const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/i;

type Fields = Record<string, string | string[]>;

/**
 * One input row to the Messages create request it stands for, or every reason it cannot be
 * sent, joined with "; ". Pure: the same row and defaults always give the same answer.
 * Blank cells count as absent, since a CSV row has every column whether it uses it or not.
 */
export function buildRequest(record: { fields: Fields }, defaults: RequestDefaults): BuiltRow {
  const problems: string[] = [];
  const cell = (name: string) => readCell(record.fields, name, problems);
  const toColumn = (defaults.toColumn ?? "to").trim().toLowerCase();
  const rawTo = cell(toColumn)?.trim() || undefined;
  const to = recipient(rawTo, toColumn, defaults.defaultCountry, problems);
  const { body, mediaUrl } = content(record.fields, cell, defaults.bodyTemplate, problems);
  const request: MessageRequest = { to: to ?? "" };
  if (body !== undefined) request.body = body;
  if (mediaUrl.length > 0) request.mediaUrl = mediaUrl;
  addSender(request, cell, defaults, problems);
  addOptions(request, cell, defaults.now ?? new Date(), problems);
  if (defaults.statusCallback !== undefined) request.statusCallback ??= defaults.statusCallback;
  if (to === undefined || problems.length > 0) {
    const shown = to ?? rawTo;
    return { ok: false, reason: problems.join("; "), ...(shown !== undefined && { to: shown }) };
  }
  const { segments, encoding } = countSegments(body ?? "");
  return {
    ok: true,
    request,
    segments: Math.max(1, segments),
    encoding,
    dedupeKey: dedupeKey(to, body ?? "", mediaUrl),
  };
}

/** A scalar cell as written; undefined when absent, blank, or a list (reported). */
function readCell(fields: Fields, name: string, problems: string[]): string | undefined {
  if (!Object.hasOwn(fields, name)) return undefined;
  const value = fields[name]!;
  if (Array.isArray(value)) {
    problems.push(`\`${name}\` must be a single value, not a list`);
    return undefined;
  }
  return value.trim() === "" ? undefined : value;
}

function recipient(
  raw: string | undefined,
  column: string,
  country: CountryCode | undefined,
  problems: string[],
) {
  if (raw === undefined) {
    problems.push(`no recipient: \`${column}\` is empty`);
    return undefined;
  }
  const phone = normalisePhone(raw, country);
  if (phone.ok) return phone.e164;
  problems.push(`${column}: ${phone.reason}`);
  return undefined;
}

function content(
  fields: Fields,
  cell: (name: string) => string | undefined,
  template: string | undefined,
  problems: string[],
): { body: string | undefined; mediaUrl: string[] } {
  const known = problems.length;
  const body = messageBody(
    fields,
    template === undefined ? cell("body") : undefined,
    template,
    problems,
  );
  const unreadable = problems.length > known && body === undefined;
  const mediaUrl = mediaUrls(
    Object.hasOwn(fields, "media_url") ? fields.media_url : undefined,
    problems,
  );
  // When the body could not be read or rendered, that reason says it all.
  if (body === undefined && mediaUrl.length === 0 && !unreadable) {
    problems.push("nothing to send: no body and no media_url");
  }
  return { body, mediaUrl };
}

function messageBody(
  fields: Fields,
  column: string | undefined,
  template: string | undefined,
  problems: string[],
) {
  let body = column;
  if (template !== undefined) {
    const rendered = renderTemplate(template, fields);
    if (!rendered.ok) {
      const names = rendered.missing.map((name) => `{{${name}}}`).join(", ");
      problems.push(`the --body template uses ${names}, which this row does not have`);
      return undefined;
    }
    body = rendered.text;
  }
  if (body === undefined || body.trim() === "") return undefined;
  if (body.length > MAX_BODY) {
    problems.push(
      `the body is ${body.length} characters (UTF-16 units); Twilio's limit is ${MAX_BODY}`,
    );
  }
  return body;
}

function mediaUrls(value: string | string[] | undefined, problems: string[]): string[] {
  if (value === undefined) return [];
  // Commas and semicolons only separate when another URL follows: some image CDNs put commas
  // inside their URLs.
  const parts = Array.isArray(value) ? value : value.split(/\s+|[,;](?=\s*https?:\/\/)/i);
  const urls = parts.map((part) => part.trim().replace(/^[,;]+|[,;]+$/g, "")).filter(Boolean);
  for (const url of urls) {
    if (!isHttpUrl(url)) problems.push(`media_url \`${url}\` is not an http(s) URL`);
  }
  if (urls.length > MAX_MEDIA) {
    problems.push(`media_url has ${urls.length} URLs; Twilio takes at most ${MAX_MEDIA}`);
  }
  return urls;
}

function addSender(
  request: MessageRequest,
  cell: (name: string) => string | undefined,
  defaults: RequestDefaults,
  problems: string[],
): void {
  const from = cell("from")?.trim() ?? defaults.from;
  const service = cell("messaging_service_sid")?.trim() ?? defaults.messagingServiceSid;
  if (from === undefined && service === undefined) {
    problems.push(
      "no sender: give a `from` or `messaging_service_sid` column, or --from / --messaging-service-sid",
    );
  }
  if (from !== undefined) {
    const sender = normaliseSender(from, defaults.defaultCountry);
    if (sender.ok) request.from = sender.from;
    else problems.push(sender.reason);
  }
  if (service !== undefined) {
    if (MESSAGING_SERVICE_SID.test(service)) request.messagingServiceSid = service;
    else problems.push(`messaging_service_sid \`${service}\` is not MG followed by 32 hex digits`);
  }
}

function addOptions(
  request: MessageRequest,
  cell: (name: string) => string | undefined,
  now: Date,
  problems: string[],
): void {
  const callback = cell("status_callback")?.trim();
  if (callback !== undefined) {
    if (isHttpUrl(callback)) request.statusCallback = callback;
    else problems.push(`status_callback \`${callback}\` is not an http(s) URL`);
  }
  const sendAt = cell("send_at")?.trim();
  if (sendAt !== undefined) {
    const parsed = parseSendAt(sendAt, now);
    if (!parsed.ok) problems.push(parsed.reason);
    else if (request.messagingServiceSid === undefined) {
      problems.push(
        "send_at needs a messaging_service_sid: Twilio only schedules through a Messaging Service",
      );
    } else {
      request.sendAt = parsed.iso;
      request.scheduleType = "fixed";
    }
  }
  const validity = cell("validity_period")?.trim();
  if (validity !== undefined) {
    const seconds = /^\d+$/.test(validity) ? Number(validity) : Number.NaN;
    if (seconds >= 1 && seconds <= 36_000) request.validityPeriod = seconds;
    else
      problems.push(`validity_period must be whole seconds from 1 to 36000, got \`${validity}\``);
  }
}

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol, hostname } = new URL(text);
  return (protocol === "https:" || protocol === "http:") && hostname !== "";
}

function dedupeKey(to: string, body: string, mediaUrl: string[]): Buffer {
  return dedupeDigest(`${to}\u0000${body}\u0000${mediaUrl.join(" ")}`);
}
