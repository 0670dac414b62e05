import { extname } from "node:path";
import { UsageError } from "../errors.js";
import type { InputFormat } from "./openInput.js";

const BY_EXTENSION: Record<string, InputFormat> = {
  ".csv": "csv",
  ".json": "json",
  ".ndjson": "ndjson",
  ".jsonl": "ndjson",
};

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
