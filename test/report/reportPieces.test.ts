import { describe, expect, it } from "vitest";
import { guardFormula, unguardFormula } from "../../src/core/formulaGuard.js";
import { emptyCounts } from "../../src/core/rowState.js";
import type { JournalRow } from "../../src/journal/reportQueries.js";
import { csvColumns, csvRecord, RESULT_COLUMNS } from "../../src/report/reportRow.js";
import { buildReportSummary, explainError } from "../../src/report/reportSummary.js";
import { rowMatches } from "../../src/report/rowMatches.js";

describe("guardFormula", () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ["+14155550100", "+14155550100"],
    ["+1", "+1"],
    ["+", "'+"],
    ["+1+2", "'+1+2"],
    ["+SUM(A1)", "'+SUM(A1)"],
    ["+1 415 555 0100", "'+1 415 555 0100"],
    ["+14155550100\n=1", "'+14155550100\n=1"],
    ["-1+1", "'-1+1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1+1", "'\t=1+1"],
    ["\r=1+1", "'\r=1+1"],
    ["hello =1+1", "hello =1+1"],
    ["14155550100", "14155550100"],
    ["", ""],
    ["'already", "'already"],
  ])("%j → %j", (value, expected) => {
    expect(guardFormula(value)).toBe(expected);
    expect(unguardFormula(guardFormula(value))).toBe(value);
  });

  it("reads a phone number guarded by an earlier version as the number", () => {
    expect(unguardFormula("'+14155550100")).toBe("+14155550100");
  });
});

const journalRow = (extra: Partial<JournalRow> = {}): JournalRow => ({
  idx: 0,
  line: 2,
  to: "+14155550100",
  state: "failed",
  reason: null,
  httpStatus: 400,
  errorCode: 21211,
  errorMessage: "invalid",
  sid: null,
  attempts: 1,
  deliveryStatus: null,
  deliveryErrorCode: null,
  fields: { to: "(415) 555-0100", body: "hi" },
  ...extra,
});

describe("a --rows CSV record", () => {
  it("keeps the original columns first, then the outcome", () => {
    expect(csvColumns(["to", "body"])).toEqual(["to", "body", ...RESULT_COLUMNS]);
    expect(csvRecord(journalRow(), ["to", "body"])).toEqual([
      "(415) 555-0100",
      "hi",
      "2",
      "+14155550100",
      "failed",
      "",
      "400",
      "21211",
      "invalid",
      "",
      "1",
      "",
      "",
      "messages",
    ]);
  });

  it("drops stale outcome columns of a report fed back to send, so no header repeats", () => {
    const columns = ["to", "tb_state", "body", "tb_line"];
    expect(csvColumns(columns)).toEqual(["to", "body", ...RESULT_COLUMNS]);
    expect(
      csvRecord(
        journalRow({ fields: { to: "x", tb_state: "failed", body: "b", tb_line: "9" } }),
        columns,
      ).slice(0, 3),
    ).toEqual(["x", "b", "2"]);
  });

  it("writes a JSON list (media_url) as send reads it, and a missing cell as empty", () => {
    const row = journalRow({ fields: { media_url: ["https://a/1.png", "https://a/2.png"] } });
    expect(csvRecord(row, ["media_url", "other"]).slice(0, 2)).toEqual([
      "https://a/1.png https://a/2.png",
      "",
    ]);
  });
});

describe("rowMatches", () => {
  const f = (states: string[], statuses: number[], codes: number[]) => ({
    states: new Set(states) as Set<JournalRow["state"]>,
    statuses: new Set(statuses),
    codes: new Set(codes),
  });
  it.each([
    [journalRow(), f([], [], []), true],
    [journalRow(), f(["failed"], [], []), true],
    [journalRow(), f(["sent"], [], []), false],
    [journalRow(), f([], [400], [21211]), true],
    [journalRow(), f([], [429], [21211]), false],
    [
      journalRow({ state: "sent", errorCode: null, deliveryErrorCode: 30006 }),
      f([], [], [30006]),
      true,
    ],
    [journalRow({ httpStatus: null }), f([], [400], []), false],
  ])("%#", (row, filter, expected) => {
    expect(rowMatches(row, filter)).toBe(expected);
  });
});

describe("explainError", () => {
  const group = (g: Partial<Parameters<typeof explainError>[0]>) => ({
    stage: "send" as const,
    state: "failed",
    code: null,
    status: null,
    sample: null,
    ...g,
  });
  it.each([
    [group({ code: 21610 }), /opted out/, /suppressed/],
    [group({ code: 20429, status: 429 }), /too many/, /retry --status 429/],
    [group({ code: 30006, stage: "delivery", state: "undelivered" }), /landline/, /suppressed/],
    [
      group({ code: 12345, sample: "Something new" }),
      /Something new/,
      /twilio\.com\/docs\/errors\/12345/,
    ],
    [group({ code: 12345 }), /catalogue/, /errors\/12345/],
    [
      group({ state: "in_doubt", sample: "ECONNRESET: socket hang up" }),
      /may have sent/,
      /reconcile --run 7/,
    ],
    [
      group({ state: "failed", sample: "ECONNREFUSED: x" }),
      /ECONNREFUSED/,
      /retry --state failed --run 7/,
    ],
    [group({ state: "failed", status: 404 }), /HTTP 404/, /retry --status 404/],
    [group({ state: "pending", code: null, status: null }), /no answer/, /retry --state pending/],
  ])("%j", (g, meaning, action) => {
    const explained = explainError(g, 7);
    expect(explained.meaning).toMatch(meaning);
    expect(explained.action).toMatch(action);
  });

  it("links every code to Twilio's page, and keeps the JSON shape", () => {
    const summary = buildReportSummary({
      run: {
        id: 7,
        name: null,
        input: "l.csv",
        phase: "finished",
        createdAt: "",
        startedAt: null,
        finishedAt: null,
      },
      counts: { ...emptyCounts(), failed: 2 },
      errors: [
        { stage: "send", state: "failed", code: 99999, status: 400, count: 2, sample: "new" },
      ],
      delivery: {},
      skipped: {},
      suppressed: 0,
    });
    expect(summary.errors).toEqual([
      {
        code: 99999,
        status: 400,
        count: 2,
        meaning: "new",
        action: "see https://www.twilio.com/docs/errors/99999",
        stage: "send",
        state: "failed",
        moreInfo: "https://www.twilio.com/docs/errors/99999",
      },
    ]);
  });
});
