import { closeSync, createWriteStream, fchmodSync, openSync } from "node:fs";
import type { Writable } from "node:stream";
import { CliError, ExitCode } from "../errors.js";
import { readerGone, writeText } from "./writeText.js";

/** Where a report goes: stdout, or a file only its owner can read (it holds numbers and bodies). */
export interface ReportOutput {
  /** Resolves when the text is buffered; waits when the reader is slower than we are. */
  write(text: string): Promise<void>;
  /** The reader has gone (`report … | head` closed the pipe): anything more is wasted. */
  readonly closed: boolean;
  /** Flushes and closes a file; leaves stdout open. */
  end(): Promise<void>;
}

/**
 * `--out <file>` is created 0600, or truncated and set to 0600 if it exists: the mode given to
 * open() only applies to a new file, and a report must not stay readable by others.
 */
export function openReportOutput(path: string | undefined, stdout: Writable): ReportOutput {
  if (path === undefined) return writerFor(stdout, async () => {});
  return openPrivateFile(path, "the report");
}

/** A file for numbers and bodies (a report, `send --rows-out`): created or reset to 0600. */
export function openPrivateFile(path: string, what: string): ReportOutput {
  let fd: number;
  try {
    fd = openSync(path, "w", 0o600);
  } catch (error) {
    throw new CliError(
      `cannot write ${what} to ${path}: ${(error as Error).message}`,
      ExitCode.cantCreate,
    );
  }
  try {
    fchmodSync(fd, 0o600);
  } catch (error) {
    closeSync(fd);
    throw new CliError(
      `cannot make ${path} readable by its owner only: ${(error as Error).message}`,
      ExitCode.cantCreate,
    );
  }
  const stream = createWriteStream("", { fd });
  // Listened to from the start: a full disk may fail a write whose call already returned.
  let failure: CliError | undefined;
  stream.on("error", (error) => {
    failure ??= new CliError(`cannot write ${what} to ${path}: ${error.message}`, ExitCode.ioErr);
  });
  return {
    async write(text) {
      if (failure) throw failure;
      await writeText(stream, text).catch((error: unknown) => {
        throw failure ?? error;
      });
      if (failure) throw failure;
    },
    get closed() {
      return readerGone(stream);
    },
    async end() {
      if (!stream.closed) {
        const closed = new Promise<void>((resolve) => stream.once("close", () => resolve()));
        stream.end();
        await closed;
      }
      if (failure) throw failure;
    },
  };
}

function writerFor(stream: Writable, end: () => Promise<void>): ReportOutput {
  return {
    write: (text) => writeText(stream, text),
    get closed() {
      return readerGone(stream);
    },
    end,
  };
}
