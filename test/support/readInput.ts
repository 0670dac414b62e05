import { join } from "node:path";
import { expect } from "vitest";
import { InputError } from "../../src/errors.js";
import type { OpenedInput } from "../../src/input/openInput.js";

/** The readers' fixture files. */
export const FIXTURES = join(import.meta.dirname, "../../fixtures/input");

/** Every record of an input, in order. */
export async function readAll(input: OpenedInput) {
  const records = [];
  for await (const record of input.records) records.push(record);
  return records;
}

/** The InputError that reading an input ends with (the test fails if it reads cleanly). */
export async function failure(input: OpenedInput): Promise<InputError> {
  const error = await readAll(input).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}
