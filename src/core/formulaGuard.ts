/**
 * A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(…)`,
 * `+cmd|…`, `@SUM(…)`); a tab or carriage return can hide one behind whitespace.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const GUARDED = /^'[=+\-@\t\r]/;

/**
 * `+` then digits only: an E.164 number. A spreadsheet reads it as a positive number at worst;
 * with no operator, name or call after the sign there is nothing to run, so it stays as typed.
 */
const PHONE_NUMBER = /^\+\d+$/;

/**
 * A CSV cell that cannot run as a formula when the file is opened in a spreadsheet: a leading
 * `'` makes it text (OWASP's advice). A cell that is exactly a phone number (+14155550100) is
 * left alone; JSON output is left raw.
 */
export function guardFormula(value: string): string {
  return FORMULA_START.test(value) && !PHONE_NUMBER.test(value) ? `'${value}` : value;
}

/**
 * The inverse, for CSV input: a report written by twilio-bulk (or a spreadsheet export that
 * kept the apostrophes) can be fixed and fed back to `send` as it is. Only an apostrophe
 * standing before a formula character is removed, exactly what guardFormula adds; reports
 * written before phone numbers were left alone ('+1415…) read the same way.
 */
export function unguardFormula(value: string): string {
  return GUARDED.test(value) ? value.slice(1) : value;
}
