import { createHash } from "node:crypto";

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** 2^25 bits (4 MiB) a run: 1 in 6,000 new keys is looked up in vain at 1M rows, 1 in 4 at 10M. */
const FILTER_WORDS = (1 << 25) / 32;
const FILTER_MASK = (1 << 25) - 1;

/**
 * A dedupe key as `rows.dedupe_key` holds it: 16 bytes of its sha256 (a collision among a
 * million rows is about 1 in 10^26), not 64 hex digits. A key that already is a sha256
 * (buildRequest's) is not hashed again.
 */
export function shortKey(key: string): Buffer {
  if (SHA256_HEX.test(key)) return Buffer.from(key.slice(0, 32), "hex");
  return createHash("sha256").update(key).digest().subarray(0, 16);
}

/**
 * A Bloom filter per run over the dedupe keys this connection has written: most rows are not
 * duplicates, and a key it has never seen needs no look-up. Its size is fixed, so memory stays
 * flat however long the list; it only ever answers "maybe" or "no", and a "maybe" is checked
 * against the journal.
 */
export class KeyFilter {
  private readonly runs = new Map<number, Uint32Array>();

  add(runId: number, key: Buffer): void {
    let bits = this.runs.get(runId);
    if (!bits) {
      bits = new Uint32Array(FILTER_WORDS);
      this.runs.set(runId, bits);
    }
    for (let i = 0; i < 16; i += 4) {
      const bit = key.readUInt32LE(i) & FILTER_MASK;
      bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  /** False only when this connection surely wrote no row of the run with this key. */
  mayHave(runId: number, key: Buffer): boolean {
    const bits = this.runs.get(runId);
    // No filter: the run's rows were written by another connection, so ask the journal.
    if (bits === undefined) return true;
    for (let i = 0; i < 16; i += 4) {
      const bit = key.readUInt32LE(i) & FILTER_MASK;
      if ((bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** The run's pre-flight is over: its filter is not needed again. */
  forget(runId: number): void {
    this.runs.delete(runId);
  }
}
