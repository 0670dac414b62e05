import type { JournalRow } from "../journal/reportQueries.js";
import { DEFAULT_API } from "../operations/defaultApi.js";

/**
 * What twilio-bulk adds after a row's original columns. Prefixed so they never clash with the
 * list's own (`to`, `status`…): fed back to `send`, they are ignored like any unknown column.
 */
export const RESULT_COLUMNS = [
  "tb_line",
  "tb_to",
  "tb_state",
  "tb_reason",
  "tb_http_status",
  "tb_error_code",
  "tb_error_message",
  "tb_sid",
  "tb_attempts",
  "tb_delivery_status",
  "tb_delivery_error_code",
  "tb_api",
] as const;

/**
 * The `tb_` columns the run's APIs add (a lookup's line type …) and a row's values for them,
 * from its operation (src/operations): the report does not know the APIs itself.
 */
export interface ApiColumns {
  columns: readonly string[];
  values(row: JournalRow): Record<string, string | number | boolean | null>;
}

const NO_API_COLUMNS: ApiColumns = { columns: [], values: () => ({}) };

/**
 * The columns of a `--rows` CSV: the original ones, then ours. Original columns with our
 * names come from an earlier report fed back to `send`: they are stale, so ours replace them.
 */
export function csvColumns(
  fieldColumns: readonly string[],
  api: ApiColumns = NO_API_COLUMNS,
): string[] {
  const ours = new Set<string>([...RESULT_COLUMNS, ...api.columns]);
  return [...fieldColumns.filter((name) => !ours.has(name)), ...RESULT_COLUMNS, ...api.columns];
}

/** A row as CSV cells in `csvColumns` order (not yet made spreadsheet-safe). */
export function csvRecord(
  row: JournalRow,
  fieldColumns: readonly string[],
  api: ApiColumns = NO_API_COLUMNS,
): string[] {
  const ours = new Set<string>([...RESULT_COLUMNS, ...api.columns]);
  const original = fieldColumns
    .filter((name) => !ours.has(name))
    .map((name) => {
      const value = row.fields[name];
      // A JSON list (media_url) goes back as `send` reads it: URLs separated by spaces.
      return Array.isArray(value) ? value.join(" ") : (value ?? "");
    });
  const text = (value: string | number | null) => (value === null ? "" : String(value));
  return [
    ...original,
    text(row.line),
    text(row.to),
    row.state,
    text(row.reason),
    text(row.httpStatus),
    text(row.errorCode),
    text(row.errorMessage),
    text(row.sid),
    text(row.attempts),
    text(row.deliveryStatus),
    text(row.deliveryErrorCode),
    row.api ?? DEFAULT_API,
    ...apiCells(row, api),
  ];
}

function apiCells(row: JournalRow, api: ApiColumns): string[] {
  if (api.columns.length === 0) return [];
  const values = api.values(row);
  return api.columns.map((name) => {
    const value = values[name];
    return value === undefined || value === null ? "" : String(value);
  });
}

/**
 * A row as `--format json` shows it: the CSV's columns as one flat object with raw values
 * (numbers, null, lists), so the file can go back to `send` as it is (`send` reads a JSON array
 * of objects and ignores the `tb_` keys).
 */
export function jsonRecord(
  row: JournalRow,
  api: ApiColumns = NO_API_COLUMNS,
): Record<string, unknown> {
  const ours = new Set<string>([...RESULT_COLUMNS, ...api.columns]);
  const original = Object.entries(row.fields).filter(([name]) => !ours.has(name));
  return {
    ...Object.fromEntries(original),
    tb_line: row.line,
    tb_to: row.to,
    tb_state: row.state,
    tb_reason: row.reason,
    tb_http_status: row.httpStatus,
    tb_error_code: row.errorCode,
    tb_error_message: row.errorMessage,
    tb_sid: row.sid,
    tb_attempts: row.attempts,
    tb_delivery_status: row.deliveryStatus,
    tb_delivery_error_code: row.deliveryErrorCode,
    tb_api: row.api ?? DEFAULT_API,
    ...api.values(row),
  };
}
