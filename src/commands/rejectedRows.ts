import type { Writable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import { guardFormula } from "../core/formulaGuard.js";
import type { CountryCode } from "../core/normalisePhone.js";
import { LIKELY_COUNTRIES, rowHint } from "../core/rowHint.js";
import type { NewRow } from "../journal/journal.js";
import { openPrivateFile, type ReportOutput } from "../report/reportOutput.js";
import { writeText } from "../report/writeText.js";

/** A row the pre-flight left out, as the operator needs it to fix the list. */
export interface RejectedRow {
  line: number;
  /** The recipient as written in the file. */
  to: string;
  state: "invalid" | "skipped";
  reason: string;
  hint: string;
}

/** How many a terminal shows; the rest are counted. */
export const SHOWN_REJECTED = 20;

const CSV_COLUMNS = ["line", "to", "state", "reason", "hint"] as const;

export interface RejectedRowsOptions {
  toColumn: string;
  /** `--rows-out FILE`: every row as CSV, in a file only its owner can read. */
  rowsOut?: string | undefined;
  /** A dry run's `--json`: every row streamed into the one JSON object printed. */
  json?: Writable | undefined;
}

/**
 * The invalid and skipped rows of a pre-flight, as they are decided: the first 20 kept for
 * the plan, every one streamed to `--rows-out` and to a dry run's JSON. Nothing else is held,
 * so a list of a million bad rows costs no memory.
 */
export class RejectedRows {
  readonly shown: RejectedRow[] = [];
  count = 0;
  readonly #toColumn: string;
  readonly #file: ReportOutput | undefined;
  readonly #json: Writable | undefined;
  #jsonOpen = false;
  #closed: Promise<void> | undefined;
  readonly #countries = new CountryGuesses();

  /** Opens `--rows-out` at once (exit 73 if it cannot), before a long pre-flight is wasted. */
  constructor(options: RejectedRowsOptions) {
    this.#toColumn = options.toColumn;
    this.#json = options.json;
    this.#file =
      options.rowsOut === undefined
        ? undefined
        : openPrivateFile(options.rowsOut, "the invalid and skipped rows");
  }

  async open(): Promise<void> {
    await this.#file?.write(csvLine(CSV_COLUMNS));
  }

  async add(row: NewRow): Promise<void> {
    if (row.state === "pending") return;
    const rejected = describe(row, this.#toColumn, this.#countries);
    this.count++;
    if (this.shown.length < SHOWN_REJECTED) this.shown.push(rejected);
    if (this.#file) {
      await this.#file.write(
        csvLine([
          String(rejected.line),
          rejected.to,
          rejected.state,
          rejected.reason,
          rejected.hint,
        ]),
      );
    }
    if (this.#json) {
      await writeText(
        this.#json,
        `${this.#jsonOpen ? "," : '{"dryRun":true,"rows":['}\n${JSON.stringify(rejected)}`,
      );
      this.#jsonOpen = true;
    }
  }

  /** Ends a dry run's JSON: `{"dryRun":true,"rows":[…],"plan":{…}}`. */
  async endJson(plan: unknown, extra: Record<string, unknown> = {}): Promise<void> {
    if (!this.#json) return;
    const head = this.#jsonOpen ? "\n" : '{"dryRun":true,"rows":[';
    const tail = JSON.stringify({ plan, ...extra }).slice(1);
    await writeText(this.#json, `${head}],${tail}\n`);
  }

  /** Flushes and closes `--rows-out`; once, however often it is called. */
  close(): Promise<void> {
    this.#closed ??= this.#file?.end() ?? Promise.resolve();
    return this.#closed;
  }
}

function describe(row: NewRow, toColumn: string, countries: CountryGuesses): RejectedRow {
  const written = row.fields[toColumn];
  const to = Array.isArray(written)
    ? written.join(", ")
    : typeof written === "string"
      ? written
      : "";
  const state = row.state === "invalid" ? "invalid" : "skipped";
  const reason = row.reason ?? "";
  const hint = rowHint({ state, value: to, to: row.to, reason }, countries.order);
  countries.learn(hint);
  return { line: row.line, to, state, reason, hint };
}

/**
 * The order to try countries in for a `--default-country` hint. A list is nearly always of
 * one country, so the last one found goes first; after 100 numbers in a row that no country
 * fits, guessing stops, so a million national numbers from elsewhere cost no extra parses.
 */
class CountryGuesses {
  order: readonly CountryCode[] = LIKELY_COUNTRIES;
  #misses = 0;

  learn(hint: string): void {
    const found = /^pass --default-country ([A-Z]{2})$/.exec(hint)?.[1] as CountryCode | undefined;
    if (found) {
      this.#misses = 0;
      if (this.order[0] !== found) {
        this.order = [found, ...LIKELY_COUNTRIES.filter((c) => c !== found)];
      }
    } else if (hint.startsWith("pass --default-country") && ++this.#misses >= 100) {
      this.order = [];
    }
  }
}

/** One CSV record whose every cell is safe to open in a spreadsheet. */
function csvLine(cells: readonly string[]): string {
  return stringify([cells.map(guardFormula)]);
}
