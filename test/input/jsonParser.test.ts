import { describe, expect, it } from "vitest";
import { type JsonElement, JsonParser, JsonSyntaxError } from "../../src/input/jsonParser.js";

/** Feeds `text` in pieces of `size` characters (0: whole), as a stream would. */
function parse(text: string, topLevel: "array" | "value", size = 0): JsonElement[] {
  const parser = new JsonParser({ topLevel });
  const out: JsonElement[] = [];
  const step = size || text.length || 1;
  for (let at = 0; at < text.length; at += step)
    out.push(...parser.write(text.slice(at, at + step)));
  out.push(...parser.end());
  return out;
}

function syntaxError(text: string, topLevel: "array" | "value", size = 0): JsonSyntaxError {
  try {
    parse(text, topLevel, size);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  throw new Error("expected a JsonSyntaxError");
}

const VALID = [
  "0",
  "-0.5e+10",
  "1E3",
  "true",
  "null",
  '"plain"',
  '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t"',
  '"\\u00e9 \\ud83d\\ude00 é 😀"',
  "[]",
  "{}",
  '{"a": [1, {"b": null}, "c"], "d": {"e": false}}',
  " \r\n\t[ 1 , 2 ]\n",
  '{"__proto__": {"polluted": true}, "constructor": 1}',
];

describe("values", () => {
  it.each(VALID)("parses %s as JSON.parse does, whole and one character at a time", (text) => {
    for (const size of [0, 1, 2, 3, 5]) {
      const [element, ...rest] = parse(text, "value", size);
      expect(rest).toEqual([]);
      expect(JSON.stringify(element?.value)).toBe(JSON.stringify(JSON.parse(text)));
    }
  });

  it("keeps a __proto__ key as data", () => {
    const [element] = parse('{"__proto__": {"polluted": true}}', "value");
    expect(Object.hasOwn(element?.value as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("array elements", () => {
  const text = '[\n  {"to": "+1"},\n  {"to":\n "+2"}, 3,\n\t["x"]\n]\n';

  it.each([0, 1, 2, 7])("are emitted with where they start (pieces of %i)", (size) => {
    expect(parse(text, "array", size)).toEqual([
      { line: 2, column: 3, value: { to: "+1" } },
      { line: 3, column: 3, value: { to: "+2" } },
      { line: 4, column: 9, value: 3 },
      { line: 5, column: 2, value: ["x"] },
    ]);
  });

  it("are handed out as soon as each is complete", () => {
    const parser = new JsonParser({ topLevel: "array" });
    expect(parser.write('[{"a": 1}, {"b"')).toEqual([{ line: 1, column: 2, value: { a: 1 } }]);
    expect(parser.write(": 2}")).toEqual([{ line: 1, column: 12, value: { b: 2 } }]);
    expect(parser.write("]")).toEqual([]);
    expect(parser.end()).toEqual([]);
  });
});

describe("syntax errors", () => {
  it.each<[string, "array" | "value", number, number, RegExp]>([
    ['[{"a": 1} {"b": 2}]', "array", 1, 11, /unexpected `\{`; expected `,` or `]`/],
    ['[{"a" 1}]', "array", 1, 7, /unexpected `1`; expected `:` after the key/],
    ["[1, 2,]", "array", 1, 7, /unexpected `]`; expected a value \(a comma too many\?\)/],
    ["[{a: 1}]", "array", 1, 3, /expected a key in double quotes/],
    ['[\n  "line\nbreak"]', "array", 2, 8, /a line break inside a string/],
    ['["\\x"]', "array", 1, 3, /invalid escape `\\x`/],
    ['["\\u12G4"]', "array", 1, 3, /invalid escape `\\u12G` in a string/],
    ["[01]", "array", 1, 2, /invalid number `01`/],
    ["[1.]", "array", 1, 2, /invalid number `1.`/],
    ["[-]", "array", 1, 2, /invalid number `-`/],
    ["[True]", "array", 1, 2, /unexpected `True`; expected a value/],
    ["[nul]", "array", 1, 2, /unexpected `nul`/],
    ["[1] x", "array", 1, 5, /expected nothing after the end of the top-level value/],
    ["  \n", "array", 2, 1, /no JSON in the input; expected an array of objects/],
    ['"a"', "array", 1, 1, /the top-level value is not an array/],
    ['[{"a": "b', "array", 1, 8, /the string at line 1, column 8 is never closed/],
    ['[{"a": "\\u00', "array", 1, 13, /unexpected end of input inside a string escape/],
    ["[\n[1]", "array", 2, 4, /the array opened at line 1, column 1 is never closed/],
    ['{"a": 1', "value", 1, 8, /the object opened at line 1, column 1 is never closed/],
    ["[\u0001]", "array", 1, 2, /unexpected character U\+0001/],
    [`${"[".repeat(65)}${"]".repeat(65)}`, "array", 1, 65, /nested deeper than 64 levels/],
  ])("%j (%s) fails at %i:%i", (text, topLevel, line, column, message) => {
    for (const size of [0, 1, 3]) {
      const error = syntaxError(text, topLevel, size);
      expect([error.line, error.column]).toEqual([line, column]);
      expect(error.message).toMatch(message);
    }
  });
});
