import { timeZoneProblem } from "../core/quietHours.js";
import { CliError, interruption } from "../errors.js";
import type { InputRecord } from "../input/openInput.js";
import { confirmDuplicates, type Duplicate } from "../journal/confirmDuplicates.js";
import type { Journal, NewRow } from "../journal/journal.js";
import { rejectedRowsFrom } from "../journal/rejectedRowsFrom.js";
import { type BuiltRow, buildRow, type RowDefaults } from "../operations/buildRow.js";
import { DuplicateCheck, type Earlier } from "./duplicateCheck.js";

export interface Plan {
  rows: number;
  valid: number;
  invalid: number;
  skipped: number;
  duplicates: number;
  suppressed: number;
  segments: number;
  /** Valid rows by API (`messages`, `calls` …). */
  byApi: Record<string, number>;
}

export interface PreflightOptions {
  defaults: RowDefaults;
  allowDuplicates: boolean;
  batchSize?: number;
  /** Aborted (SIGINT/SIGTERM): stop reading; the caller throws the unsent run away. */
  signal?: AbortSignal;
  /**
   * Told each invalid or skipped row, in order, so a listing of them streams (a dry run keeps
   * no run to read them from later): as it is decided, or, from the first row that may be a
   * duplicate of a row far before it, read back once that is settled at the end. A returned
   * promise is awaited before the next row: the listing's reader sets the pace, and memory
   * stays flat.
   */
  onRejected?(row: NewRow): void | Promise<void>;
}

/**
 * One streaming pass over the input before anything is sent: every row is checked, normalised
 * and journaled (pending, invalid or skipped), so the send pass reads the journal, not the file.
 * Duplicates are found without an in-memory set, so memory stays flat whatever the list's size:
 * a row whose key the pre-flight's filter cannot clear is confirmed or cleared by one pass over
 * the journal at the end (duplicateCheck.ts, confirmDuplicates.ts).
 */
export async function preflight(
  journal: Journal,
  runId: number,
  records: AsyncIterable<InputRecord>,
  options: PreflightOptions,
): Promise<Plan> {
  const plan: Plan = {
    rows: 0,
    valid: 0,
    invalid: 0,
    skipped: 0,
    duplicates: 0,
    suppressed: 0,
    segments: 0,
    byApi: {},
  };
  const batchSize = options.batchSize ?? 2000;
  let batch: NewRow[] = [];
  const duplicates = new DuplicateCheck();
  // Asked once a batch: most journals suppress no number, and then no row needs a look-up.
  let anySuppressed = await journal.hasSuppressions();
  const flush = async () => {
    if (batch.length > 0) await journal.insertRows(runId, batch);
    duplicates.flushed(keysOf(batch));
    batch = [];
    anySuppressed = await journal.hasSuppressions();
  };

  const lookups: Lookups = {
    duplicates: options.allowDuplicates ? undefined : duplicates,
    suppression: (to) => (anySuppressed ? journal.suppressionOf(to) : undefined),
  };

  for await (const record of records) {
    if (options.signal?.aborted) throw interrupted(options.signal);
    const decided = decideRow(
      record,
      buildRow(record.fields, options.defaults),
      plan.rows,
      lookups,
    );
    // Most rows need no look-up in the journal: those are decided without a promise.
    const row = decided instanceof Promise ? await decided : decided;
    plan.rows++;
    if (row.state === "pending") {
      plan.valid++;
      plan.segments += row.segments;
      if (row.api !== undefined) plan.byApi[row.api] = (plan.byApi[row.api] ?? 0) + 1;
    } else if (row.state === "invalid") {
      plan.invalid++;
    } else {
      plan.skipped++;
      if (row.reason?.startsWith("duplicate")) plan.duplicates++;
      else plan.suppressed++;
    }
    batch.push(row);
    // After a candidate, a row's place in the listing waits on the candidate's being settled.
    if (row.state !== "pending" && options.onRejected && duplicates.candidates.size === 0) {
      await options.onRejected(row);
    }
    if (batch.length >= batchSize) {
      await flush();
      // Parsing from memory never waits on I/O: let a signal handler run between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await flush();
  const first = duplicates.candidates.keys().next();
  if (first.done) return plan;
  if (options.signal?.aborted) throw interrupted(options.signal);
  for (const found of await confirmDuplicates(journal, runId, duplicates.candidates)) {
    countDuplicate(plan, found);
  }
  if (options.onRejected) {
    for await (const row of rejectedRowsFrom(journal, runId, first.value)) {
      await options.onRejected(row);
    }
  }
  return plan;
}

/** A candidate counted valid when it was read, found a duplicate at the end. */
function countDuplicate(plan: Plan, found: Duplicate): void {
  plan.valid--;
  plan.segments -= found.segments;
  const left = (plan.byApi[found.api] ?? 0) - 1;
  if (left > 0) plan.byApi[found.api] = left;
  else delete plan.byApi[found.api];
  plan.skipped++;
  plan.duplicates++;
}

function* keysOf(rows: readonly NewRow[]): Iterable<Buffer> {
  for (const row of rows) if (Buffer.isBuffer(row.dedupeKey)) yield row.dedupeKey;
}

interface Lookups {
  /** Undefined with --allow-duplicates. */
  duplicates: DuplicateCheck | undefined;
  suppression(to: string): { reason: string } | undefined | Promise<{ reason: string } | undefined>;
}

/**
 * The row as journaled, built once. A row's own time zone decides its quiet hours: an unknown
 * one makes the row invalid.
 */
function decideRow(
  record: InputRecord,
  built: BuiltRow,
  idx: number,
  lookups: Lookups,
): NewRow | Promise<NewRow> {
  const problem = timeZoneProblem(record.fields);
  if (!built.ok || problem !== null) {
    const reason = [built.ok ? null : built.reason, problem].filter((r) => r !== null).join("; ");
    return {
      idx,
      line: record.line,
      fields: record.fields,
      api: built.api,
      to: built.to ?? null,
      request: null,
      dedupeKey: null,
      segments: 0,
      state: "invalid",
      reason,
    };
  }
  const row: PendingRow = {
    idx,
    line: record.line,
    fields: record.fields,
    api: built.api,
    to: built.to,
    request: built.request,
    dedupeKey: built.dedupeKey,
    segments: built.segments,
    state: "pending",
    reason: null,
  };
  // Opt-outs bind what texts a person; a call or a lookup to the number still goes.
  const suppressed = built.texts ? lookups.suppression(built.to) : undefined;
  if (suppressed instanceof Promise) {
    return suppressed.then((found) => unlessSuppressed(row, found, lookups));
  }
  return unlessSuppressed(row, suppressed, lookups);
}

type PendingRow = NewRow & { to: string; dedupeKey: Buffer };

function unlessSuppressed(
  row: PendingRow,
  suppressed: { reason: string } | undefined,
  lookups: Lookups,
): NewRow | Promise<NewRow> {
  if (suppressed) return { ...row, state: "skipped", reason: `suppressed: ${suppressed.reason}` };
  const check = lookups.duplicates;
  if (check === undefined) return row;
  const earlier: Earlier = check.earlier(row.dedupeKey);
  if (earlier.kind === "line") {
    return { ...row, state: "skipped", reason: `duplicate of line ${earlier.line}` };
  }
  check.pending(row.idx, row.line, row.dedupeKey, earlier);
  return row;
}

function interrupted(signal: AbortSignal): CliError {
  const { exitCode, reason } = interruption(signal);
  return new CliError(`${reason} during the pre-flight: nothing was sent`, exitCode);
}
