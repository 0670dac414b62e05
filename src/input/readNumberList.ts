import { pipeline } from "node:stream/promises";
import { CsvError, parse } from "csv-parse";
import { unguardFormula } from "../core/formulaGuard.js";
import { InputError } from "../errors.js";
import { sniffDelimiter } from "./detectDelimiter.js";
import { type ByteSource, openByteSource } from "./openByteSource.js";
import type { CsvOptions } from "./readCsv.js";

/** One number cell of a list, as written, with its line. */
export interface ListedNumber {
  line: number;
  text: string;
}

/** Header names that hold the numbers, in order of preference. */
const NUMBER_COLUMNS = ["to", "number", "phone", "phone_number"];

/**
 * The numbers of a suppression list to import: a plain list (one number a line) or a CSV whose
 * header has a `to` or `number` column (an opt-out export, a `report --rows` file). Streamed,
 * so a list of millions of numbers does not sit in memory.
 */
export async function* readNumberList(
  source: ByteSource,
  options: Pick<CsvOptions, "delimiter" | "onDelimiter"> = {},
): AsyncGenerator<ListedNumber> {
  const sniffed = await sniffDelimiter(openByteSource(source), options.delimiter);
  options.onDelimiter?.(sniffed.delimiter);
  const parser = parse({
    bom: true,
    delimiter: sniffed.delimiter,
    skip_empty_lines: true,
    relax_column_count: true,
    record_delimiter: ["\r\n", "\n", "\r"],
    comment: "#",
    info: true,
  });
  pipeline(sniffed.bytes, parser).catch(() => {});
  let column: number | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (column === undefined) {
        column = numberColumn(record, source.path, info.lines);
        if (column >= 0) continue;
        column = 0;
      }
      const text = unguardFormula((record[column] ?? "").trim());
      if (text !== "") yield { line: info.lines, text };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new InputError(error.message, { file: source.path });
    }
    throw error;
  }
}

/** The header's number column, or -1 when the first row is already a number (no header). */
function numberColumn(first: readonly string[], file: string, line: number): number {
  const names = first.map((cell) => cell.trim().toLowerCase());
  for (const wanted of NUMBER_COLUMNS) {
    const index = names.indexOf(wanted);
    if (index >= 0) return index;
  }
  if (/^'?[+(\d]/.test(first[0]?.trim() ?? "")) return -1;
  throw new InputError(
    `expected one phone number a line, or a header with a \`to\` or \`number\` column; found \`${first.join(",")}\``,
    { file, line },
  );
}
