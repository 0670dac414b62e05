import { createHash } from "node:crypto";
import { openByteSource } from "./openByteSource.js";

/**
 * sha256 of a file, streamed. A run is found again by its input's content, so the hash is
 * needed before the first row is read; hashing is an order of magnitude faster than parsing.
 * Reads through openByteSource so a missing or unreadable file is reported as the readers do.
 */
export async function hashFile(
  path: string,
  cwd?: string,
): Promise<{ hash: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of openByteSource({ path, ...(cwd ? { cwd } : {}) })) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { hash: hash.digest("hex"), bytes };
}
