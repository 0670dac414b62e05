import { basename } from "node:path";
import { type CountryCode, isCountryCode, normalisePhone } from "../core/normalisePhone.js";
import { ExitCode, UsageError } from "../errors.js";
import { parseDelimiter } from "../input/detectDelimiter.js";
import { readNumberList } from "../input/readNumberList.js";
import { resolveJournalPath } from "../journal/defaultJournalPath.js";
import { Journal } from "../journal/journal.js";
import {
  addSuppressions,
  listSuppressions,
  removeSuppression,
  type Suppression,
} from "../journal/suppressionList.js";
import { alignColumns } from "../report/renderReportTable.js";
import type { CommandEnv } from "./commandEnv.js";
import { sayDelimiter } from "./sayDelimiter.js";

export interface SuppressOptions {
  journal?: string;
  defaultCountry?: string;
  reason?: string;
  json?: boolean;
  /** `--delimiter` as typed: forces the CSV field delimiter. */
  delimiter?: string;
}

/** `twilio-bulk suppress list`: every suppressed number, oldest first. */
export async function suppressList(options: SuppressOptions, env: CommandEnv): Promise<number> {
  return withJournal(options, env, async (journal) => {
    const list = await listSuppressions(journal);
    if (options.json) {
      env.stdout.write(`${JSON.stringify(list.map(toJson))}\n`);
      return ExitCode.ok;
    }
    if (list.length === 0) {
      env.stdout.write("No numbers are suppressed.\n");
      return ExitCode.ok;
    }
    const table = [
      ["number", "code", "added", "run", "reason"],
      ...list.map((s) => [
        s.number,
        s.code === null ? "-" : String(s.code),
        new Date(s.addedAt).toISOString().slice(0, 10),
        s.runId === null ? "-" : String(s.runId),
        s.reason,
      ]),
    ];
    env.stdout.write(`${alignColumns(table, []).join("\n")}\n${list.length} numbers.\n`);
    return ExitCode.ok;
  });
}

/** `twilio-bulk suppress add <number...>`: all of them, or none if one is not a number. */
export async function suppressAdd(
  numbers: readonly string[],
  options: SuppressOptions,
  env: CommandEnv,
): Promise<number> {
  const e164 = normaliseArguments(numbers, options);
  return withJournal(options, env, async (journal) => {
    const reason = options.reason ?? "added by hand";
    const added = await addSuppressions(
      journal,
      e164.map((number) => ({ number, code: null, reason, runId: null })),
    );
    env.stdout.write(
      `Suppressed ${added} numbers${added < e164.length ? ` (${e164.length - added} already were)` : ""}.\n`,
    );
    return ExitCode.ok;
  });
}

/** `twilio-bulk suppress remove <number...>`: later runs may text them again. */
export async function suppressRemove(
  numbers: readonly string[],
  options: SuppressOptions,
  env: CommandEnv,
): Promise<number> {
  const e164 = normaliseArguments(numbers, options);
  return withJournal(options, env, async (journal) => {
    const missing: string[] = [];
    for (const number of e164)
      if (!(await removeSuppression(journal, number))) missing.push(number);
    env.stdout.write(
      `Removed ${e164.length - missing.length} numbers from the suppression list.\n`,
    );
    if (missing.length > 0) env.stdout.write(`Not on the list: ${missing.join(", ")}.\n`);
    return ExitCode.ok;
  });
}

/**
 * `twilio-bulk suppress import <file>`: a list of numbers, or a CSV with a `to` or `number`
 * column. Lines that are not phone numbers are listed and left out; the rest are imported,
 * and the exit code is 1 when any line was left out.
 */
export async function suppressImport(
  file: string,
  options: SuppressOptions,
  env: CommandEnv,
): Promise<number> {
  const country = countryOf(options);
  const delimiter = options.delimiter === undefined ? undefined : parseDelimiter(options.delimiter);
  const reason = options.reason ?? `imported from ${file === "-" ? "stdin" : basename(file)}`;
  const journal = await Journal.open(resolveJournalPath(options.journal, env.env, env.cwd));
  try {
    let batch: Omit<Suppression, "addedAt">[] = [];
    let read = 0;
    let added = 0;
    // Only the first few are shown: a file of junk must not fill memory with messages.
    const invalid: string[] = [];
    let invalidCount = 0;
    for await (const { line, text } of readNumberList(
      { path: file, stdin: env.stdin, cwd: env.cwd },
      { delimiter, onDelimiter: (used) => sayDelimiter(file, used, env) },
    )) {
      read++;
      // A `report` CSV writes +1415… as '+1415… so spreadsheets keep it as text.
      const phone = normalisePhone(text.replace(/^'(?=[+(\d])/, ""), country);
      if (!phone.ok) {
        if (++invalidCount <= 20) invalid.push(`${file}:${line}: ${phone.reason}`);
        continue;
      }
      batch.push({ number: phone.e164, code: null, reason, runId: null });
      if (batch.length >= 1000) {
        added += await addSuppressions(journal, batch);
        batch = [];
      }
    }
    added += await addSuppressions(journal, batch);
    const valid = read - invalidCount;
    env.stdout.write(
      `Imported ${valid} numbers from ${file}: ${added} newly suppressed, ${valid - added} already were.\n`,
    );
    for (const problem of invalid) env.stderr.write(`${problem}\n`);
    if (invalidCount > invalid.length) {
      env.stderr.write(`… and ${invalidCount - invalid.length} more.\n`);
    }
    if (invalidCount > 0) {
      env.stderr.write(`${invalidCount} lines are not phone numbers and were left out.\n`);
      return ExitCode.rowsFailed;
    }
    return ExitCode.ok;
  } finally {
    await journal.close();
  }
}

function toJson(s: Suppression) {
  return { ...s, addedAt: new Date(s.addedAt).toISOString() };
}

function countryOf(options: SuppressOptions): CountryCode | undefined {
  const country = options.defaultCountry?.toUpperCase();
  if (country !== undefined && !isCountryCode(country)) {
    throw new UsageError(
      `\`--default-country\` must be an ISO 3166 two-letter country code, got \`${options.defaultCountry}\``,
    );
  }
  return country;
}

function normaliseArguments(numbers: readonly string[], options: SuppressOptions): string[] {
  const country = countryOf(options);
  const problems: string[] = [];
  const e164 = numbers.flatMap((raw) => {
    const phone = normalisePhone(raw, country);
    if (phone.ok) return [phone.e164];
    problems.push(phone.reason);
    return [];
  });
  if (problems.length > 0) {
    throw new UsageError(`not a phone number: ${problems.join("; ")}`, "Nothing was changed.");
  }
  return [...new Set(e164)];
}

async function withJournal(
  options: SuppressOptions,
  env: CommandEnv,
  work: (journal: Journal) => Promise<number>,
): Promise<number> {
  const journal = await Journal.open(resolveJournalPath(options.journal, env.env, env.cwd));
  try {
    return await work(journal);
  } finally {
    await journal.close();
  }
}
