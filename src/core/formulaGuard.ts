/**
 * A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(…)`,
 * `+cmd|…`, `@SUM(…)`); a tab or carriage return can hide one behind whitespace.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const GUARDED = /^'[=+\-@\t\r]/;

/**
 * A CSV cell that cannot run as a formula when the file is opened in a spreadsheet: a leading
 * `'` makes it text (OWASP's advice). Phone numbers written +1415… therefore appear as
 * '+1415…; JSON output is left raw.
 */
export function guardFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * The inverse, for CSV input: a report written by twilio-bulk (or a spreadsheet export that
 * kept the apostrophes) can be fixed and fed back to `send` as it is. Only an apostrophe
 * standing before a formula character is removed, exactly what guardFormula added.
 */
export function unguardFormula(value: string): string {
  return GUARDED.test(value) ? value.slice(1) : value;
}
