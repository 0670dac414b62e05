import type { RowState } from "../core/rowState.js";

/** `report --rows` filters: a row matches every option given, and any value of a list. */
export interface RowFilter {
  states: ReadonlySet<RowState>;
  statuses: ReadonlySet<number>;
  /** Matches the create's error code or the delivery error code. */
  codes: ReadonlySet<number>;
}

export function rowMatches(
  row: {
    state: RowState;
    httpStatus: number | null;
    errorCode: number | null;
    deliveryErrorCode: number | null;
  },
  filter: RowFilter,
): boolean {
  return (
    (filter.states.size === 0 || filter.states.has(row.state)) &&
    (filter.statuses.size === 0 ||
      (row.httpStatus !== null && filter.statuses.has(row.httpStatus))) &&
    (filter.codes.size === 0 ||
      (row.errorCode !== null && filter.codes.has(row.errorCode)) ||
      (row.deliveryErrorCode !== null && filter.codes.has(row.deliveryErrorCode)))
  );
}
