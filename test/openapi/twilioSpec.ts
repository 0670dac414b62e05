import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * Twilio's own OpenAPI descriptions (twilio/twilio-oai), as @twilio-alpha/mcp ships them: read
 * from node_modules, so no test needs the network.
 */
const SPEC_DIR = join(
  dirname(createRequire(import.meta.url).resolve("@twilio-alpha/mcp/package.json")),
  "twilio-oai/spec/json",
);

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document, walked by the helpers below.
type Doc = any;
// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema node of the document.
export type Schema = any;

export const SPEC_FILES = [
  "twilio_api_v2010",
  "twilio_lookups_v2",
  "twilio_verify_v2",
  "twilio_studio_v2",
] as const;

const docs = new Map<string, Doc>();
function doc(name: string): Doc {
  let found = docs.get(name);
  if (!found) {
    found = JSON.parse(readFileSync(join(SPEC_DIR, `${name}.json`), "utf8"));
    docs.set(name, found);
  }
  return found;
}

/** One path + method of the spec, with what a request may and must carry. */
export interface SpecOperation {
  file: string;
  template: string;
  /** Query (and path) parameter names, and those required. */
  query: Set<string>;
  requiredQuery: Set<string>;
  /** Form body parameter names, and those required. */
  form: Set<string>;
  requiredForm: Set<string>;
  /** Status code -> response body schema (refs resolved at the top). */
  responses: Map<number, Schema>;
  resolve(schema: Schema): Schema;
}

/** The spec operation for a concrete request path (e.g. ".../Calls/CA….json"), or undefined. */
export function specOperation(method: string, path: string): SpecOperation | undefined {
  for (const file of SPEC_FILES) {
    const spec = doc(file);
    for (const [template, item] of Object.entries<Doc>(spec.paths)) {
      if (!templateRegex(template).test(path)) continue;
      const op = item[method.toLowerCase()];
      if (!op) continue;
      return describeOperation(
        file,
        spec,
        template,
        [...(item.parameters ?? []), ...(op.parameters ?? [])],
        op,
      );
    }
  }
  return undefined;
}

function describeOperation(
  file: string,
  spec: Doc,
  template: string,
  params: Doc[],
  op: Doc,
): SpecOperation {
  const resolve = (schema: Schema): Schema => {
    let node = schema;
    while (node?.$ref)
      node = node.$ref
        .split("/")
        .slice(1)
        .reduce((at: Doc, key: string) => at[key], spec);
    return node;
  };
  const query = new Set<string>();
  const requiredQuery = new Set<string>();
  for (const p of params.map(resolve)) {
    if (p.in !== "query" && p.in !== "path") continue;
    query.add(p.name);
    if (p.required) requiredQuery.add(p.name);
  }
  const body = resolve(op.requestBody?.content?.["application/x-www-form-urlencoded"]?.schema);
  const form = new Set<string>(Object.keys(body?.properties ?? {}));
  const requiredForm = new Set<string>(body?.required ?? []);
  const responses = new Map<number, Schema>();
  for (const [code, response] of Object.entries<Doc>(op.responses ?? {})) {
    responses.set(Number(code), resolve(response.content?.["application/json"]?.schema));
  }
  return { file, template, query, requiredQuery, form, requiredForm, responses, resolve };
}

function templateRegex(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replace(/\{[^}]+\}/g, "[^/]+")}$`);
}

const TYPE_OF: Record<string, (value: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === "number",
  boolean: (v) => typeof v === "boolean",
  object: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
  array: (v) => Array.isArray(v),
};

/**
 * What in `value` departs from `schema`: a declared property missing, one the schema does not
 * declare, a value of another type, outside its enum or not matching its pattern (sids). Written
 * here rather than with a JSON Schema validator: Twilio's descriptions use formats of their own
 * (date-time-rfc-2822, uri-map, phone-number) that a strict validator rejects or ignores, and
 * what matters to a client is the set of properties and their types.
 */
export function schemaProblems(
  value: unknown,
  schema: Schema,
  op: SpecOperation,
  at = "$",
): string[] {
  const node = op.resolve(schema);
  if (!node || value === null || value === undefined) return [];
  const problems: string[] = [];
  if (node.type && TYPE_OF[node.type] && !TYPE_OF[node.type]!(value)) {
    return [`${at}: expected ${node.type}, got ${JSON.stringify(value)}`];
  }
  if (node.enum && !node.enum.includes(value))
    problems.push(`${at}: ${JSON.stringify(value)} not in ${node.enum.join("|")}`);
  if (node.pattern && typeof value === "string" && !new RegExp(node.pattern).test(value)) {
    problems.push(`${at}: ${value} does not match ${node.pattern}`);
  }
  if (node.properties && TYPE_OF.object!(value)) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(node.properties)) {
      if (!(key in record)) problems.push(`${at}.${key}: missing`);
      else problems.push(...schemaProblems(record[key], node.properties[key], op, `${at}.${key}`));
    }
    for (const key of Object.keys(record)) {
      if (!(key in node.properties)) problems.push(`${at}.${key}: not in the spec`);
    }
  }
  if (node.items && Array.isArray(value)) {
    value.forEach((item, i) => {
      problems.push(...schemaProblems(item, node.items, op, `${at}[${i}]`));
    });
  }
  return problems;
}
