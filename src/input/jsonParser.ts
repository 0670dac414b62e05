/**
 * A streaming JSON parser that knows where it is. stream-json reports neither the position of
 * a syntax error nor where a token starts, and both are what a user needs to fix a file; so
 * this one tracks line and column (in UTF-16 units, 1-based) and hands out each element of
 * the top-level array as soon as it is complete, never holding the array itself.
 */
export interface JsonElement {
  line: number;
  column: number;
  value: unknown;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

export interface JsonParserOptions {
  /** `array`: emit the elements of a top-level array. `value`: emit one top-level value. */
  topLevel: "array" | "value";
}

type State = "value" | "key" | "colon" | "after" | "string" | "number" | "literal" | "done";
type Frame =
  | { kind: "array"; value: unknown[]; at: Position }
  | { kind: "object"; value: Record<string, unknown>; at: Position; key: string };
interface Position {
  line: number;
  column: number;
}

/** Deeper than any message list needs, shallow enough for JSON.stringify to never overflow. */
const MAX_DEPTH = 64;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

export class JsonParser {
  readonly #topLevel: "array" | "value";
  #state: State = "value";
  #stack: Frame[] = [];
  #justOpened = false;
  #stringIsKey = false;
  #token = "";
  #tokenAt: Position = { line: 1, column: 1 };
  #elementAt: Position = { line: 1, column: 1 };
  /** Set when an escape sequence is cut off by the end of the text. */
  #waiting = false;
  /** Unconsumed text: at most an escape sequence cut by a chunk boundary. */
  #pending = "";
  /** Absolute index of the first character of the text being scanned. */
  #base = 0;
  #line = 1;
  #lineStart = 0;
  #out: JsonElement[] = [];

  constructor(options: JsonParserOptions) {
    this.#topLevel = options.topLevel;
  }

  /** Feeds text; returns the elements completed by it. Throws JsonSyntaxError. */
  write(text: string): JsonElement[] {
    const buffer = this.#pending + text;
    const consumed = this.#scan(buffer);
    this.#pending = buffer.slice(consumed);
    this.#base += consumed;
    return this.#take();
  }

  /** Signals the end of input; returns what the end completed. Throws JsonSyntaxError. */
  end(): JsonElement[] {
    if (this.#pending !== "")
      throw this.#errorAtEnd("unexpected end of input inside a string escape");
    if (this.#state === "number") this.#endNumber();
    else if (this.#state === "literal") this.#endLiteral();
    if (this.#state !== "done") throw this.#unexpectedEnd();
    return this.#take();
  }

  #take(): JsonElement[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #scan(text: string): number {
    let at = 0;
    while (at < text.length) {
      at = this.#step(text, at);
      if (this.#waiting) {
        this.#waiting = false;
        break;
      }
    }
    return at;
  }

  /** Consumes from `at` and returns the new index; a step that consumes nothing changes state. */
  #step(text: string, at: number): number {
    switch (this.#state) {
      case "string":
        return this.#scanString(text, at);
      case "number":
        return this.#scanToken(text, at, isNumberChar, () => this.#endNumber());
      case "literal":
        return this.#scanToken(text, at, isLetter, () => this.#endLiteral());
      default:
        return this.#structural(text, at);
    }
  }

  #structural(text: string, at: number): number {
    const char = text[at]!;
    if (char === " " || char === "\t" || char === "\r") return at + 1;
    if (char === "\n") {
      this.#line++;
      this.#lineStart = this.#base + at + 1;
      return at + 1;
    }
    switch (this.#state) {
      case "value":
        return this.#value(char, at);
      case "key":
        return this.#key(char, at);
      case "colon":
        if (char !== ":") throw this.#unexpected(char, at, "`:` after the key");
        this.#state = "value";
        return at + 1;
      case "after":
        return this.#afterValue(char, at);
      default:
        throw this.#unexpected(char, at, "nothing after the end of the top-level value");
    }
  }

  #value(char: string, at: number): number {
    if (char === "]" && this.#justOpened) return this.#close(at);
    const position = this.#position(at);
    if (this.#stack.length === (this.#topLevel === "array" ? 1 : 0)) this.#elementAt = position;
    if (this.#stack.length === 0 && this.#topLevel === "array" && char !== "[") {
      throw this.#notAnArray(char, at);
    }
    this.#justOpened = false;
    this.#tokenAt = position;
    this.#token = "";
    if (char === "[" || char === "{") return this.#open(char, at);
    if (char === '"') {
      this.#stringIsKey = false;
      this.#state = "string";
      return at + 1;
    }
    if (char === "-" || (char >= "0" && char <= "9")) this.#state = "number";
    else if (isLetter(char)) this.#state = "literal";
    else if (char === "]") throw this.#unexpected(char, at, "a value (a comma too many?)");
    else throw this.#unexpected(char, at, "a value");
    return at;
  }

  #key(char: string, at: number): number {
    if (char === "}" && this.#justOpened) return this.#close(at);
    if (char !== '"') throw this.#unexpected(char, at, "a key in double quotes");
    this.#justOpened = false;
    this.#tokenAt = this.#position(at);
    this.#token = "";
    this.#stringIsKey = true;
    this.#state = "string";
    return at + 1;
  }

  #afterValue(char: string, at: number): number {
    const top = this.#stack.at(-1);
    if (top === undefined) throw this.#unexpected(char, at, "the end of input");
    if (char === ",") {
      this.#state = top.kind === "array" ? "value" : "key";
      return at + 1;
    }
    if (char === (top.kind === "array" ? "]" : "}")) return this.#close(at);
    throw this.#unexpected(char, at, top.kind === "array" ? "`,` or `]`" : "`,` or `}`");
  }

  #open(char: string, at: number): number {
    if (this.#stack.length >= MAX_DEPTH) {
      throw this.#error(`nested deeper than ${MAX_DEPTH} levels`, at);
    }
    const position = this.#position(at);
    this.#stack.push(
      char === "["
        ? { kind: "array", value: [], at: position }
        : { kind: "object", value: Object.create(null), at: position, key: "" },
    );
    this.#state = char === "[" ? "value" : "key";
    this.#justOpened = true;
    return at + 1;
  }

  #close(at: number): number {
    const frame = this.#stack.pop()!;
    this.#justOpened = false;
    if (this.#stack.length === 0 && this.#topLevel === "array") this.#state = "done";
    else this.#complete(frame.value);
    return at + 1;
  }

  #complete(value: unknown): void {
    const top = this.#stack.at(-1);
    this.#state = top === undefined ? "done" : "after";
    if (top === undefined || (this.#stack.length === 1 && this.#topLevel === "array")) {
      this.#out.push({ ...this.#elementAt, value });
    } else if (top.kind === "array") top.value.push(value);
    else top.value[top.key] = value;
  }

  #scanString(text: string, at: number): number {
    let from = at;
    for (let index = at; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === 0x22) {
        this.#token += text.slice(from, index);
        this.#endString();
        return index + 1;
      }
      if (code === 0x5c) {
        this.#token += text.slice(from, index);
        const length = this.#escape(text, index);
        if (length === 0) {
          this.#waiting = true;
          return index;
        }
        index += length - 1;
        from = index + 1;
      } else if (code < 0x20) {
        const what = code === 0x0a ? "a line break" : `control character U+${hex4(code)}`;
        throw this.#error(`${what} inside a string; write it as an escape such as \\n`, index);
      }
    }
    this.#token += text.slice(from);
    return text.length;
  }

  /** Appends the escape at `at` and returns its length, or 0 when it is cut off. */
  #escape(text: string, at: number): number {
    const kind = text[at + 1];
    if (kind === undefined) return 0;
    if (kind !== "u") {
      const decoded = ESCAPES[kind];
      if (decoded === undefined) throw this.#error(`invalid escape \`\\${kind}\` in a string`, at);
      this.#token += decoded;
      return 2;
    }
    const digits = text.slice(at + 2, at + 6);
    const bad = digits.search(/[^0-9a-fA-F]/);
    if (bad !== -1) {
      // Up to the first bad character only, so the message does not depend on chunking.
      throw this.#error(`invalid escape \`\\u${digits.slice(0, bad + 1)}\` in a string`, at);
    }
    if (digits.length < 4) return 0;
    this.#token += String.fromCharCode(Number.parseInt(digits, 16));
    return 6;
  }

  #endString(): void {
    const top = this.#stack.at(-1);
    if (this.#stringIsKey && top?.kind === "object") {
      top.key = this.#token;
      this.#state = "colon";
    } else this.#complete(this.#token);
  }

  #scanToken(text: string, at: number, accepts: (char: string) => boolean, end: () => void) {
    let index = at;
    while (index < text.length && accepts(text[index]!)) index++;
    this.#token += text.slice(at, index);
    if (index < text.length) end();
    return index;
  }

  #endNumber(): void {
    if (!NUMBER.test(this.#token)) throw this.#errorAtToken(`invalid number \`${this.#token}\``);
    this.#complete(Number(this.#token));
  }

  #endLiteral(): void {
    const literals: Record<string, unknown> = { true: true, false: false, null: null };
    if (!Object.hasOwn(literals, this.#token)) {
      throw this.#errorAtToken(`unexpected \`${this.#token}\`; expected a value`);
    }
    this.#complete(literals[this.#token]);
  }

  #position(at: number): Position {
    return { line: this.#line, column: this.#base + at - this.#lineStart + 1 };
  }

  #error(message: string, at: number): JsonSyntaxError {
    const { line, column } = this.#position(at);
    return new JsonSyntaxError(message, line, column);
  }

  #errorAtEnd(message: string): JsonSyntaxError {
    return this.#error(message, this.#pending.length);
  }

  #errorAtToken(message: string): JsonSyntaxError {
    return new JsonSyntaxError(message, this.#tokenAt.line, this.#tokenAt.column);
  }

  #unexpected(char: string, at: number, expected: string): JsonSyntaxError {
    return this.#error(`unexpected ${describe(char)}; expected ${expected}`, at);
  }

  #notAnArray(char: string, at: number): JsonSyntaxError {
    const found = char === "{" ? "an object" : "not an array";
    return this.#error(`the top-level value is ${found}; expected an array of objects`, at);
  }

  #unexpectedEnd(): JsonSyntaxError {
    if (this.#state === "string") {
      const { line, column } = this.#tokenAt;
      return new JsonSyntaxError(
        `the string at line ${line}, column ${column} is never closed`,
        line,
        column,
      );
    }
    const open = this.#stack.at(-1);
    if (open !== undefined) {
      const { line, column } = open.at;
      return this.#errorAtEnd(
        `unexpected end of input: the ${open.kind} opened at line ${line}, column ${column} is never closed`,
      );
    }
    const expected = this.#topLevel === "array" ? "an array of objects" : "a value";
    return this.#errorAtEnd(`no JSON in the input; expected ${expected}`);
  }
}

function isNumberChar(char: string): boolean {
  return (
    (char >= "0" && char <= "9") ||
    char === "-" ||
    char === "+" ||
    char === "." ||
    char === "e" ||
    char === "E"
  );
}

function isLetter(char: string): boolean {
  return (char >= "a" && char <= "z") || (char >= "A" && char <= "Z");
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, "0");
}

function describe(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `character U+${hex4(code)}` : `\`${char}\``;
}
