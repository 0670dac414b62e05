import { pipeline } from "node:stream/promises";
import { CsvError, type Options, Parser } from "csv-parse";
import { unguardFormula } from "../core/formulaGuard.js";
import { InputError } from "../errors.js";
import {
  delimiterName,
  describeDelimiter,
  detectDelimiter,
  sniffDelimiter,
} from "./detectDelimiter.js";
import type { InputRecord } from "./openInput.js";

/**
 * A row this large is a quote that never closes swallowing the rest of the file: stop there
 * instead of holding the file in memory. Twilio's limits keep real rows far below it.
 */
const MAX_ROW_BYTES = 1024 * 1024;
const APOSTROPHE = 0x27;

export interface CsvOptions {
  file: string;
  toColumn: string;
  /** Forces the field delimiter; otherwise it is told from the header (see detectDelimiter). */
  delimiter?: string | undefined;
  /** Told the delimiter once it is known, before the first record. */
  onDelimiter?: ((delimiter: string) => void) | undefined;
}

/**
 * RFC 4180 records with the first row as header. Line numbers are counted here, not taken
 * from csv-parse, whose count goes wrong after a quoted field holding CRLF; and they are
 * counted as the parser emits each record (see RecordParser), so they are current when it
 * reports an error.
 */
export async function* readCsv(
  bytes: AsyncIterable<Buffer>,
  { file, toColumn, ...options }: CsvOptions,
): AsyncGenerator<InputRecord> {
  const sniffed = await sniffDelimiter(bytes, options.delimiter);
  options.onDelimiter?.(sniffed.delimiter);
  const rows = new CsvRows(file, toColumn, sniffed.delimiter);
  const parser = new RecordParser(rows, {
    bom: true,
    delimiter: sniffed.delimiter,
    skip_empty_lines: true,
    // Explicit, so a file mixing line endings does not keep a stray CR in its last field.
    record_delimiter: ["\r\n", "\n", "\r"],
    max_record_size: MAX_ROW_BYTES,
  });
  // Failures of either side reach us through the parser's iterator.
  pipeline(sniffed.bytes, parser).catch(() => {});
  try {
    yield* parser as AsyncIterable<InputRecord>;
  } catch (error) {
    throw error instanceof CsvError ? rows.explain(error) : error;
  }
  rows.end();
}

/**
 * csv-parse, its records turned into ours in the same synchronous step that emits them. Its
 * `on_record` hook would do the same, but builds an info object for every record, a quarter
 * of the parser's time; the one count wanted, blank lines skipped so far, is read off the
 * parser's running totals instead. Records still buffered when the parser fails never reach
 * the iterator, so counting at the consumer would put errors on the wrong line.
 */
class RecordParser extends Parser {
  readonly #rows: CsvRows;

  constructor(rows: CsvRows, options: Options) {
    super(options);
    this.#rows = rows;
  }

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) return super.push(null, encoding);
    let row: InputRecord | undefined;
    try {
      row = this.#rows.next(record as string[], this.info.empty_lines);
    } catch (error) {
      // Thrown here it would unwind through csv-parse's loop; the iterator reports it instead.
      this.destroy(error as Error);
      return false;
    }
    return row === undefined || super.push(row, encoding);
  }
}

/** Where each record starts, the header, and what the parser's errors mean for this file. */
class CsvRows {
  #header: string[] | undefined;
  #nextLine = 1;
  #emptyLines = 0;

  constructor(
    readonly file: string,
    readonly toColumn: string,
    readonly delimiter: string,
  ) {}

  next(record: string[], emptyLines: number): InputRecord | undefined {
    const line = this.#startLine(emptyLines);
    this.#emptyLines = emptyLines;
    this.#nextLine = line + 1 + lineBreaksIn(record);
    if (this.#header === undefined) {
      this.#header = readHeader(record, { file: this.file, line }, this.toColumn);
      return undefined;
    }
    // Spreadsheets export trailing rows of bare commas; they hold nothing to send.
    if (record.every((field) => field === "")) return undefined;
    return { line, fields: toFields(this.#header, record) };
  }

  explain(error: CsvError): InputError {
    const line = this.#startLine(Number(error.empty_lines ?? this.#emptyLines));
    return csvError(error, { file: this.file, line }, this.delimiter, this.#header);
  }

  end(): void {
    if (this.#header === undefined) {
      throw new InputError("the file is empty; expected a header row such as `to,body`", {
        file: this.file,
      });
    }
  }

  /** Blank lines are skipped only between records, so the ones counted since the last precede this one. */
  #startLine(emptyLines: number): number {
    return this.#nextLine + emptyLines - this.#emptyLines;
  }
}

function lineBreaksIn(record: string[]): number {
  let breaks = 0;
  for (const field of record) {
    if (field.includes("\n") || field.includes("\r"))
      breaks += field.split(/\r\n|\r|\n/).length - 1;
  }
  return breaks;
}

function readHeader(record: string[], at: { file: string; line: number }, toColumn: string) {
  const names = record.map((name) => name.trim().toLowerCase());
  const seen = new Map<string, number>();
  names.forEach((name, index) => {
    if (name === "") throw new InputError(`column ${index + 1} of the header has no name`, at);
    const first = seen.get(name);
    if (first !== undefined) {
      throw new InputError(
        `the header has \`${name}\` twice (columns ${first + 1} and ${index + 1}; names ignore case)`,
        at,
      );
    }
    seen.set(name, index);
  });
  const wanted = toColumn.trim().toLowerCase();
  if (!seen.has(wanted)) {
    // A header read with the wrong delimiter is one long name holding the real ones.
    const other = names.length === 1 ? detectDelimiter(record[0] ?? "") : ",";
    throw new InputError(
      `no \`${wanted}\` column; the header has: ${names.join(", ")}`,
      at,
      other !== ","
        ? `the file looks ${describeDelimiter(other)}: try --delimiter ${other === "\t" ? "tab" : `'${other}'`}`
        : "use --to-column NAME to pick the column that holds the phone numbers",
    );
  }
  return names;
}

function toFields(header: string[], record: string[]): Record<string, string> {
  // No prototype: a column named `__proto__` or `constructor` is just a column.
  const fields: Record<string, string> = Object.create(null);
  for (let index = 0; index < header.length; index++) {
    const value = record[index] ?? "";
    // Only a cell starting with an apostrophe can be guarded: skip the regex for the others.
    fields[header[index]!] = value.charCodeAt(0) === APOSTROPHE ? unguardFormula(value) : value;
  }
  return fields;
}

function csvError(
  error: CsvError,
  at: { file: string; line: number },
  delimiter: string,
  header?: string[],
) {
  const index = Number(error.index ?? 0);
  const field = `field ${index + 1}${header?.[index] ? ` (\`${header[index]}\`)` : ""}`;
  const row = `the row starting at line ${at.line}`;
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return new InputError(`${row}: the quote that opens ${field} is never closed`, at);
    case "CSV_MAX_RECORD_SIZE":
      return new InputError(
        `${row} is over ${MAX_ROW_BYTES / 1024 / 1024} MiB: is a quote in ${field} never closed?`,
        at,
      );
    case "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH": {
      const got = Array.isArray(error.record) ? error.record.length : index;
      return new InputError(
        `${row} has ${got} fields, the header has ${header?.length ?? "a different number"}`,
        at,
        `quote any field that contains a ${delimiterName(delimiter)}`,
      );
    }
    case "INVALID_OPENING_QUOTE":
      return new InputError(`${row}: a quote appears inside the unquoted ${field}`, at, QUOTING);
    case "CSV_INVALID_CLOSING_QUOTE":
      return new InputError(`${row}: text follows the closing quote of ${field}`, at, QUOTING);
    default:
      return new InputError(`${row}: cannot parse the CSV (${error.code}: ${error.message})`, at);
  }
}

const QUOTING = 'wrap the field in double quotes and double the quotes inside it: "say ""hi"""';
