type Fields = Record<string, unknown>;

/** A request key's input column: every API's builders name keys after their columns. */
function columnOf(key: string): string {
  // Asked for every key of every row journaled; the builders' keys are a few dozen names, and
  // the bound keeps memory flat should a request ever carry keys of the input's choosing.
  let column = columns.get(key);
  if (column === undefined) {
    column = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (columns.size < 256) columns.set(key, column);
  }
  return column;
}

const columns = new Map<string, string>();

/**
 * A row's request as `request_json` holds it: only what the row's other columns do not. A null
 * value is read back from another column: `to` from the row's `to_number` (stored as null when
 * it is that; a request without `to`, such as Lookup's, stores none), and any other key from the
 * input column of its name, when it is exactly that string (`body` from `body`, `statusCallback`
 * from `status_callback`, a call's `url` from `url` …). Without this, every row's number and
 * body were stored twice over. The rule knows no API: a value is only left out when it can be
 * read back to the letter. Rows written before keep the whole request, which reads back
 * unchanged: no value is null there.
 */
export function packRequest(request: object, to: string | null, fields: Fields): string {
  const packed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (key === "to" && value === to) packed.to = null;
    else packed[key] = typeof value === "string" && fields[columnOf(key)] === value ? null : value;
  }
  return JSON.stringify(packed);
}

/** The request `packRequest` stored; `fieldsJson` is parsed only when a value points at it. */
export function unpackRequest(
  requestJson: string,
  to: string | null,
  fieldsJson: string | null,
): object {
  const packed = JSON.parse(requestJson) as Record<string, unknown>;
  let fields: Fields | undefined;
  const request: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(packed)) {
    if (key === "to" && value === null) request.to = to;
    else if (value === null) {
      fields ??= fieldsJson === null ? {} : (JSON.parse(fieldsJson) as Fields);
      request[key] = fields[columnOf(key)];
    } else request[key] = value;
  }
  return request;
}

/**
 * `request_json` as a query reads it back, whole: a row that stores '' has its run's
 * `request_template`. A list's rows mostly pack to the same text (the run's `--from` and the
 * keys read back from their own columns), which was a fifth of every row's bytes in the
 * journal; only the pre-flight writes '' (RequestTemplate), and rows written before it never
 * hold an empty request.
 */
export function requestJsonColumn(alias: string): string {
  const rows = alias === "" ? "rows" : alias;
  return `CASE WHEN ${rows}.request_json = '' THEN (SELECT rt.request_template FROM runs rt WHERE rt.id = ${rows}.run_id) ELSE ${rows}.request_json END AS request_json`;
}
