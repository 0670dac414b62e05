import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { ExitCode, InputError } from "../errors.js";

/**
 * sha256 of a file, streamed. A run is found again by its input's content, so the hash is
 * needed before the first row is read; hashing is an order of magnitude faster than parsing.
 */
export async function hashFile(path: string): Promise<{ hash: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "permission denied"
          : code === "EISDIR"
            ? "is a directory"
            : (error as Error).message;
    throw new InputError(
      `cannot read the input: ${why}`,
      { file: path },
      undefined,
      ExitCode.noInput,
    );
  }
  return { hash: hash.digest("hex"), bytes };
}
