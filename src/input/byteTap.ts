import { createHash, type Hash } from "node:crypto";

/**
 * Hashes and counts bytes as they stream past, so stdin can be fingerprinted without
 * buffering it. The digest identifies the input a journal was made from.
 */
export class ByteTap {
  readonly #hash: Hash = createHash("sha256");
  #bytes = 0;
  #ended = false;
  #digest: string | undefined;

  async *wrap(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      this.#hash.update(chunk);
      this.#bytes += chunk.length;
      yield chunk;
    }
    this.#ended = true;
  }

  get bytesRead(): number {
    return this.#bytes;
  }

  /** sha256 hex of every byte; throws before the input was read to its end. */
  digest(): string {
    if (!this.#ended) {
      throw new Error("digest() is only known once the input has been read to its end");
    }
    this.#digest ??= this.#hash.digest("hex");
    return this.#digest;
  }
}
