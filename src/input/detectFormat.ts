import { extname } from "node:path";
import { UsageError } from "../errors.js";
import type { InputFormat } from "./openInput.js";

const BY_EXTENSION: Record<string, InputFormat> = {
  ".csv": "csv",
  ".tsv": "csv",
  ".json": "json",
  ".ndjson": "ndjson",
  ".jsonl": "ndjson",
};

/** A tab-separated file is CSV with a tab, whatever its header looks like. */
const DELIMITER_BY_EXTENSION: Record<string, string> = { ".tsv": "\t" };

/** The delimiter a file's extension implies (`.tsv`: tab), when it implies one. */
export function extensionDelimiter(path: string): string | undefined {
  return DELIMITER_BY_EXTENSION[extname(path).toLowerCase()];
}

/** The explicit `--format` wins; otherwise the extension decides, and stdin has none. */
export function detectFormat(path: string, format?: InputFormat): InputFormat {
  if (format !== undefined) return format;
  const byExtension = BY_EXTENSION[extname(path).toLowerCase()];
  if (byExtension !== undefined) return byExtension;
  const what = path === "-" ? "stdin" : `\`${path}\``;
  throw new UsageError(
    `cannot tell the format of ${what}`,
    "pass --format csv, --format json or --format ndjson",
  );
}
