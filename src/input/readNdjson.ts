import { InputError } from "../errors.js";
import { jsonFields } from "./jsonFields.js";
import { JsonParser, JsonSyntaxError } from "./jsonParser.js";
import type { InputRecord } from "./openInput.js";

/** One JSON object per line; blank lines are skipped, and one bad line stops the file. */
export async function* readNdjson(
  text: AsyncIterable<string>,
  file: string,
): AsyncGenerator<InputRecord> {
  let line = 0;
  for await (const content of lines(text)) {
    line++;
    if (content.trim() === "") continue;
    yield { line, fields: jsonFields(parseLine(content, file, line), { file, line }) };
  }
}

/** Splits on LF (dropping a CR before it) without rescanning a long line for every chunk. */
async function* lines(text: AsyncIterable<string>): AsyncGenerator<string> {
  let partial: string[] = [];
  for await (const chunk of text) {
    let from = 0;
    for (let end = chunk.indexOf("\n"); end !== -1; end = chunk.indexOf("\n", from)) {
      partial.push(chunk.slice(from, end));
      yield stripCr(partial.join(""));
      partial = [];
      from = end + 1;
    }
    if (from < chunk.length) partial.push(chunk.slice(from));
  }
  if (partial.length > 0) yield stripCr(partial.join(""));
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

function parseLine(content: string, file: string, line: number): unknown {
  try {
    return JSON.parse(content);
  } catch {
    // JSON.parse is the fast path; our own parser is only run to say where the error is.
    const located = locateError(content);
    throw new InputError(located?.message ?? "not valid JSON", {
      file,
      line,
      ...(located && { column: located.column }),
    });
  }
}

function locateError(content: string): JsonSyntaxError | undefined {
  try {
    const parser = new JsonParser({ topLevel: "value" });
    parser.write(content);
    parser.end();
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  return undefined;
}
