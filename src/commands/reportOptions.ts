import { ROW_STATES } from "../core/rowState.js";
import type { RowFilter } from "../report/rowMatches.js";
import { parseChoice } from "./parseOptions.js";
import {
  type ListFlag,
  parseCodeList,
  parseStateList,
  parseStatusList,
} from "./selectionOptions.js";

export interface RawReportOptions {
  run?: string;
  journal?: string;
  format?: string;
  out?: string;
  rows?: boolean;
  state?: ListFlag;
  status?: ListFlag;
  code?: ListFlag;
}

export interface ReportOptions {
  run: string | undefined;
  journal: string | undefined;
  format: "table" | "json" | "csv";
  out: string | undefined;
  /** List rows instead of the summary; any filter implies it. */
  rows: boolean;
  filter: RowFilter;
}

export function parseReportOptions(raw: RawReportOptions): ReportOptions {
  const filter: RowFilter = {
    states: parseStateList("--state", raw.state, ROW_STATES),
    statuses: parseStatusList("--status", raw.status),
    codes: parseCodeList("--code", raw.code),
  };
  const filtered = filter.states.size + filter.statuses.size + filter.codes.size > 0;
  return {
    run: raw.run,
    journal: raw.journal,
    format: parseChoice("--format", raw.format, ["table", "json", "csv"] as const) ?? "table",
    out: raw.out,
    rows: (raw.rows ?? false) || filtered,
    filter,
  };
}
