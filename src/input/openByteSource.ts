import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { ExitCode, InputError } from "../errors.js";

export interface ByteSource {
  /** A file path, or `-` for stdin. */
  path: string;
  stdin?: NodeJS.ReadableStream | Readable;
  cwd?: string;
}

/**
 * The raw bytes of a file or of stdin. Lazy: nothing is opened until the first `next()`, so
 * a missing file surfaces where the caller iterates, as an InputError.
 */
export async function* openByteSource(source: ByteSource): AsyncGenerator<Buffer> {
  const stream =
    source.path === "-"
      ? (source.stdin ?? process.stdin)
      : createReadStream(resolve(source.cwd ?? process.cwd(), source.path));
  try {
    for await (const chunk of stream) yield toBuffer(chunk);
  } catch (error) {
    throw readError(error, source.path);
  }
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  throw new TypeError(`input stream produced ${typeof chunk}, expected bytes`);
}

const CANNOT_OPEN: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied: cannot read the file",
  EPERM: "permission denied: cannot read the file",
  EISDIR: "is a directory, not a file",
  ENOTDIR: "a part of the path is not a directory",
  ELOOP: "too many symbolic links in the path",
  ENAMETOOLONG: "the path is too long",
};

function readError(error: unknown, file: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return error;
  const cannotOpen = CANNOT_OPEN[code];
  if (cannotOpen !== undefined) {
    return new InputError(cannotOpen, { file }, undefined, ExitCode.noInput);
  }
  if ((error as { syscall?: unknown }).syscall === undefined) return error;
  return new InputError(`reading failed (${code})`, { file }, undefined, ExitCode.ioErr);
}
