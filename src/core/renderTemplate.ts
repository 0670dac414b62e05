export type RenderedTemplate = { ok: true; text: string } | { ok: false; missing: string[] };

// A name starts and ends with a non-space, so `{{ }}` stays literal text; inner spaces are
// allowed because CSV headers such as "First Name" have them.
const PLACEHOLDER = /\{\{\s*([^{}\s](?:[^{}]*[^{}\s])?)\s*\}\}/g;

/**
 * Fills `{{ name }}` from a record's fields, names matched in any case. A field that is
 * absent makes the row fail, naming it; a field present but empty is a deliberate value and
 * renders as nothing. A list (JSON array) renders joined with ", ".
 */
export function renderTemplate(
  template: string,
  fields: Record<string, string | string[]>,
): RenderedTemplate {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (placeholder, name: string) => {
    const key = name.toLowerCase();
    if (!Object.hasOwn(fields, key)) {
      if (!missing.includes(key)) missing.push(key);
      return placeholder;
    }
    const value = fields[key]!;
    return typeof value === "string" ? value : value.join(", ");
  });
  return missing.length > 0 ? { ok: false, missing } : { ok: true, text };
}
