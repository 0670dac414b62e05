import type { Writable } from "node:stream";

/**
 * Writes `text` and resolves when the stream can take more, so a long listing streams at the
 * reader's pace instead of piling up in memory. A reader that has gone (`… | head` closed the
 * pipe: EPIPE, or the stream was destroyed) ends the wait quietly: that is how a pipeline says
 * "enough", and the CLI has already turned the stream's later writes into no-ops. Any other
 * failure (a full disk) rejects.
 */
export async function writeText(stream: Writable, text: string): Promise<void> {
  if (stream.write(text) || readerGone(stream)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown) => {
      stream.off("drain", onDrain);
      stream.off("close", onDrain);
      stream.off("error", settle);
      if (error !== undefined && !isClosedPipe(error)) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    stream.on("drain", onDrain);
    stream.on("close", onDrain);
    stream.on("error", settle);
  });
}

/** The stream can no longer deliver anything: writing more is wasted work. */
export function readerGone(stream: Writable): boolean {
  return stream.destroyed || stream.writableEnded;
}

export function isClosedPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "EPIPE";
}
