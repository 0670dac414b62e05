/**
 * Rewrites `?` placeholders as PostgreSQL's `$1, $2…`, leaving quoted text and identifiers
 * alone. Written by hand: the journal's SQL is shared with SQLite, which takes `?`, and no
 * kept package does only this (pg-promise's formatting replaces values, not placeholders).
 */
export function numberPlaceholders(sql: string): string {
  let out = "";
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === "?") {
      n += 1;
      out += `$${n}`;
    } else {
      out += ch;
    }
  }
  return out;
}
