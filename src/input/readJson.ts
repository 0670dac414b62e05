import { InputError } from "../errors.js";
import { jsonFields } from "./jsonFields.js";
import { type JsonElement, JsonParser, JsonSyntaxError } from "./jsonParser.js";
import type { InputRecord } from "./openInput.js";

/** The objects of a top-level JSON array, each numbered with the line where it starts. */
export async function* readJson(
  text: AsyncIterable<string>,
  file: string,
): AsyncGenerator<InputRecord> {
  const parser = new JsonParser({ topLevel: "array" });
  try {
    for await (const chunk of text) yield* records(parser.write(chunk), file);
    yield* records(parser.end(), file);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new InputError(error.message, { file, line: error.line, column: error.column });
  }
}

function* records(elements: JsonElement[], file: string): Generator<InputRecord> {
  for (const { line, column, value } of elements) {
    yield { line, fields: jsonFields(value, { file, line, column }) };
  }
}
