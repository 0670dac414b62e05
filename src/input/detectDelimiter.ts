import { UsageError } from "../errors.js";

/** The delimiters told apart by looking at the header; `--delimiter` may force any other. */
const CANDIDATES = [",", ";", "\t"] as const;

/** Longer than any header: a first line without a line break in this much is read as it is. */
const MAX_HEADER_BYTES = 64 * 1024;

const UTF8_BOM = "\uFEFF";

/**
 * The field delimiter of a CSV header line: whichever of comma, semicolon and tab appears
 * most often outside quotes, comma when none does (a one-column header) or on a tie. Excel
 * writes semicolons where the decimal separator is a comma (much of Europe), and a tab when
 * a sheet is saved as text.
 */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>(CANDIDATES.map((d) => [d, 0]));
  let quoted = false;
  for (const char of headerLine.startsWith(UTF8_BOM) ? headerLine.slice(1) : headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best = ",";
  for (const candidate of CANDIDATES) {
    if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate;
  }
  return best;
}

/** `--delimiter`: one character; `\t` or `tab` for a tab (a shell makes a real tab awkward). */
export function parseDelimiter(value: string): string {
  const named: Record<string, string> = { "\\t": "\t", tab: "\t", comma: ",", semicolon: ";" };
  const delimiter = named[value.toLowerCase()] ?? value;
  if ([...delimiter].length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new UsageError(
      `\`--delimiter\` must be one character (or \\t / tab), got \`${value}\``,
      "e.g. --delimiter ';' for a semicolon-separated file",
    );
  }
  return delimiter;
}

/** "semicolon-separated", for the line that says how a file is read. */
export function describeDelimiter(delimiter: string): string {
  return `${delimiterName(delimiter)}-separated`;
}

/** "comma", "semicolon", "tab", or the character itself in backquotes. */
export function delimiterName(delimiter: string): string {
  const names: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };
  return names[delimiter] ?? `\`${delimiter}\``;
}

export interface SniffedCsv {
  delimiter: string;
  /** Every byte of the input, the header line included. */
  bytes: AsyncIterable<Buffer>;
}

/**
 * Reads the input up to the end of its first line (a line break outside quotes, so a quoted
 * header name may hold one), decides the delimiter from it unless one is forced, and hands
 * back all the bytes for the parser. Only the header line is held.
 */
export async function sniffDelimiter(
  bytes: AsyncIterable<Buffer>,
  forced?: string,
): Promise<SniffedCsv> {
  const source = bytes[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let quoted = false;
  let lineEnd = -1;
  let done = false;
  while (lineEnd === -1 && size < MAX_HEADER_BYTES && !forced) {
    const next = await source.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = next.value;
    // Quote and line-break bytes are ASCII: a UTF-8 multi-byte sequence never contains them.
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === 0x22) quoted = !quoted;
      else if (!quoted && (byte === 0x0a || byte === 0x0d)) {
        lineEnd = size + i;
        break;
      }
    }
    head.push(chunk);
    size += chunk.length;
  }
  const first = Buffer.concat(head);
  const delimiter =
    forced ??
    detectDelimiter(first.subarray(0, lineEnd === -1 ? first.length : lineEnd).toString("utf8"));
  async function* all(): AsyncGenerator<Buffer> {
    try {
      if (first.length > 0) yield first;
      if (done) return;
      for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
    } finally {
      // A parser that stops early (a broken row) must still close the file.
      await source.return?.();
    }
  }
  return { delimiter, bytes: all() };
}
