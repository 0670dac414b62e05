import type { Readable } from "node:stream";
import { ByteTap } from "./byteTap.js";
import { checkUtf8 } from "./checkUtf8.js";
import { decodeUtf8 } from "./decodeUtf8.js";
import { detectFormat, extensionDelimiter } from "./detectFormat.js";
import { openByteSource } from "./openByteSource.js";
import { readCsv } from "./readCsv.js";
import { readJson } from "./readJson.js";
import { readNdjson } from "./readNdjson.js";

export type InputFormat = "csv" | "json" | "ndjson";

export interface InputRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  /**
   * Keyed by header name (or JSON key), trimmed and lower-cased; values are the text as
   * written. A list only comes from JSON (an array of strings). No prototype: use
   * `Object.hasOwn`, not `in`.
   */
  fields: Record<string, string | string[]>;
}

export interface OpenedInput {
  format: InputFormat;
  /**
   * Read once. File-level problems (missing file, not UTF-8, broken CSV or JSON, no `to`
   * column) are thrown from iteration as InputError; records before the problem may or may
   * not have been delivered.
   */
  records: AsyncIterable<InputRecord>;
  /** sha256 hex of every byte read; valid once records is exhausted (throws before). */
  digest(): string;
  bytesRead(): number;
}

export interface InputSource {
  /** A file path (relative to `cwd`), or `-` for stdin. */
  path: string;
  /** Read when `path` is `-`. @default process.stdin */
  stdin?: NodeJS.ReadableStream | Readable;
  /** @default process.cwd() */
  cwd?: string;
}

export interface InputOptions {
  /** @default from the extension: .csv (.tsv: with a tab), .json, .ndjson or .jsonl */
  format?: InputFormat;
  /**
   * The column holding the recipient. Only a CSV header is checked for it up front; a JSON
   * record without it is left for the pre-flight to reject as a row. @default "to"
   */
  toColumn?: string;
  /** CSV only: forces the field delimiter. @default a tab for .tsv, else told from the header line */
  delimiter?: string | undefined;
  /** CSV only: told the delimiter in use before the first record, to say how the file is read. */
  onDelimiter?: ((delimiter: string) => void) | undefined;
}

/**
 * Streams the records of a CSV, JSON or NDJSON file or of stdin. Memory stays flat however
 * large the input: bytes are hashed, checked and parsed as they pass. Throws UsageError at
 * once when the format cannot be told; everything else surfaces while iterating.
 */
export function openInput(source: InputSource, options: InputOptions = {}): OpenedInput {
  const format = detectFormat(source.path, options.format);
  const file = source.path;
  const tap = new ByteTap();
  const bytes = checkUtf8(tap.wrap(openByteSource(source)), file);
  const records =
    format === "csv"
      ? readCsv(bytes, {
          file,
          toColumn: options.toColumn ?? "to",
          delimiter: options.delimiter ?? extensionDelimiter(file),
          onDelimiter: options.onDelimiter,
        })
      : format === "json"
        ? readJson(decodeUtf8(bytes), file)
        : readNdjson(decodeUtf8(bytes), file);
  return { format, records, digest: () => tap.digest(), bytesRead: () => tap.bytesRead };
}
