import { isUtf8 } from "node:buffer";
import { InputError } from "../errors.js";

const NEWLINE = 0x0a;

/**
 * Passes bytes through, stopping at the first byte that is not UTF-8 with an InputError
 * naming its line and byte column. A character split across two chunks is held back until
 * it is whole, so every chunk handed on ends on a character boundary.
 */
export async function* checkUtf8(
  chunks: AsyncIterable<Buffer>,
  file: string,
): AsyncGenerator<Buffer> {
  let carry: Buffer | undefined;
  let line = 1;
  let bytesIntoLine = 0;
  for await (const chunk of chunks) {
    const bytes = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    const whole = bytes.subarray(0, completeLength(bytes));
    if (!isUtf8(whole)) {
      throw notUtf8(whole, Math.max(0, firstInvalidUtf8(whole)), { file, line, bytesIntoLine });
    }
    carry = whole.length < bytes.length ? Buffer.from(bytes.subarray(whole.length)) : undefined;
    const lastNewline = whole.lastIndexOf(NEWLINE);
    line += countNewlines(whole);
    bytesIntoLine =
      lastNewline === -1 ? bytesIntoLine + whole.length : whole.length - lastNewline - 1;
    if (whole.length > 0) yield whole;
  }
  if (carry !== undefined) throw notUtf8(carry, 0, { file, line, bytesIntoLine });
}

/** Length of the prefix that does not end inside a multi-byte sequence. */
function completeLength(bytes: Buffer): number {
  const end = bytes.length;
  for (let back = 1; back <= Math.min(3, end); back++) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte < 0xc0) return end;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return back < needed ? end - back : end;
  }
  return end;
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count++;
  return count;
}

/**
 * Offset of the first byte that starts an ill-formed sequence (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or -1. Only run once isUtf8 has said no.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let at = 0;
  while (at < bytes.length) {
    const length = sequenceLength(bytes, at);
    if (length === 0) return at;
    at += length;
  }
  return -1;
}

function sequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at]!;
  if (lead < 0x80) return 1;
  // The second byte's range is what rules out overlongs, surrogates and > U+10FFFF.
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return 0;
  const second = bytes[at + 1];
  if (second === undefined || second < low || second > high) return 0;
  for (let next = 2; next < length; next++) {
    const byte = bytes[at + next];
    if (byte === undefined || (byte & 0xc0) !== 0x80) return 0;
  }
  return length;
}

function notUtf8(
  bytes: Buffer,
  offset: number,
  before: { file: string; line: number; bytesIntoLine: number },
): InputError {
  const prefix = bytes.subarray(0, offset);
  const lastNewline = prefix.lastIndexOf(NEWLINE);
  const line = before.line + countNewlines(prefix);
  const column = lastNewline === -1 ? before.bytesIntoLine + offset + 1 : offset - lastNewline;
  const byte = bytes[offset] ?? 0;
  return new InputError(
    `not valid UTF-8 (byte 0x${byte.toString(16).padStart(2, "0")} at byte ${column} of the line)`,
    { file: before.file, line, column },
    "save the file as UTF-8 (in Excel: Save As → CSV UTF-8)",
  );
}
