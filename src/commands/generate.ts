import { stringify } from "csv-stringify/sync";
import { guardFormula } from "../core/formulaGuard.js";
import { ExitCode, interruption, UsageError } from "../errors.js";
import { openReportOutput } from "../report/reportOutput.js";
import {
  DEFAULT_REHEARSAL_MIX,
  REHEARSAL_KINDS,
  type RehearsalKind,
  type RehearsalMix,
  type RehearsalRow,
  rehearsalRows,
} from "../simulator/rehearsalRows.js";
import type { CommandEnv } from "./commandEnv.js";
import { parseChoice, parseNumberOption } from "./parseOptions.js";

export interface RawGenerateOptions {
  rows?: string;
  format?: string;
  out?: string;
  seed?: string;
  mix?: string;
  from?: string;
}

export interface GenerateOptions {
  rows: number;
  format: "csv" | "json" | "ndjson";
  out: string | undefined;
  seed: number;
  mix: RehearsalMix;
  from: string;
}

const COLUMNS: readonly (keyof RehearsalRow)[] = ["to", "from", "body", "kind", "expected"];
/** Rows per write: large enough that a million rows take a few thousand writes, not a million. */
const BATCH = 1000;

export function parseGenerateOptions(raw: RawGenerateOptions): GenerateOptions {
  const rows = parseNumberOption("--rows", raw.rows, { min: 1, max: 100_000_000, integer: true });
  if (rows === undefined) throw new UsageError("`--rows` is required, e.g. `--rows 1000`");
  const fromExtension = raw.out?.match(/\.(csv|json|ndjson|jsonl)$/i)?.[1]?.toLowerCase();
  const format =
    parseChoice("--format", raw.format, ["csv", "json", "ndjson"] as const) ??
    (fromExtension === "jsonl" ? "ndjson" : (fromExtension as GenerateOptions["format"])) ??
    "csv";
  const seed = parseNumberOption("--seed", raw.seed, { integer: true }) ?? 1;
  const from = raw.from?.trim() || "+15005550006";
  return { rows, format, out: raw.out, seed, mix: parseMix(raw.mix), from };
}

/** `normal=80,invalid=5,landline=1`: weights per kind; kinds not named get none. */
function parseMix(raw: string | undefined): RehearsalMix {
  if (raw === undefined) return DEFAULT_REHEARSAL_MIX;
  const kinds = Object.keys(REHEARSAL_KINDS);
  const mix: RehearsalMix = {};
  for (const part of raw.split(",")) {
    const [name = "", weight] = part.split("=").map((s) => s.trim());
    if (!kinds.includes(name)) {
      throw new UsageError(
        `\`--mix\` names kinds among ${kinds.join(", ")}, got \`${name}\``,
        "e.g. --mix normal=90,invalid=5,landline=5",
      );
    }
    mix[name as RehearsalKind] = parseNumberOption(`--mix ${name}`, weight ?? "", { min: 0 });
  }
  if (!Object.values(mix).some((w) => (w ?? 0) > 0)) {
    throw new UsageError("`--mix` must give at least one kind a weight above 0");
  }
  return mix;
}

/**
 * `twilio-bulk generate`: a rehearsal list of Twilio's magic test numbers for the simulator or
 * test credentials, written as it is made (a million rows take no more memory than ten). CSV
 * cells are formula-guarded like the report's, which leaves a phone number (`+` and digits
 * only) as it is: the list reads back into any tool unchanged.
 */
export async function generate(options: GenerateOptions, env: CommandEnv): Promise<number> {
  const output = openReportOutput(options.out, env.stdout);
  const format = FORMATS[options.format];
  try {
    let batch: RehearsalRow[] = [];
    let first = true;
    const flush = async () => {
      await output.write(format.rows(batch, first));
      first = first && batch.length === 0;
      batch = [];
    };
    // `generate … | head -1`: the reader's "enough" ends the list quietly, as `report` does.
    const readerLeft = () =>
      output.closed || (options.out === undefined && env.signal.reason === "SIGPIPE");
    await output.write(format.head);
    for (const row of rehearsalRows(options)) {
      batch.push(row);
      if (batch.length < BATCH) continue;
      await flush();
      if (readerLeft()) return ExitCode.ok;
      if (env.signal.aborted) return interruption(env.signal).exitCode;
    }
    await flush();
    await output.write(format.tail(first));
    if (readerLeft()) return ExitCode.ok;
  } finally {
    await output.end();
  }
  if (options.out) env.stderr.write(`${options.rows} rows written to ${options.out}.\n`);
  return ExitCode.ok;
}

interface Format {
  head: string;
  /** `first`: nothing has been written yet (JSON needs no comma before the first row). */
  rows(batch: RehearsalRow[], first: boolean): string;
  tail(empty: boolean): string;
}

const FORMATS: Record<GenerateOptions["format"], Format> = {
  csv: {
    head: stringify([COLUMNS]),
    rows: (batch) =>
      batch.length === 0
        ? ""
        : stringify(batch.map((row) => COLUMNS.map((column) => guardFormula(row[column])))),
    tail: () => "",
  },
  json: {
    head: "[",
    rows: (batch, first) =>
      batch.map((row, i) => `${first && i === 0 ? "" : ","}\n${JSON.stringify(row)}`).join(""),
    tail: (empty) => (empty ? "]\n" : "\n]\n"),
  },
  ndjson: {
    head: "",
    rows: (batch) => batch.map((row) => `${JSON.stringify(row)}\n`).join(""),
    tail: () => "",
  },
};
