import { dedupeDigest } from "../core/dedupeDigest.js";

/** 2^25 bits (4 MiB) a run: 1 in 6,000 new keys is a candidate in vain at 1M rows, 1 in 4 at 10M. */
const FILTER_WORDS = (1 << 25) / 32;
const FILTER_MASK = (1 << 25) - 1;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * A key given as text, as `rows.dedupe_key` holds it: its dedupeDigest, the bytes the
 * operations' builders make. A key that already is a sha256 in hex is cut to its first 16
 * bytes, not hashed again.
 */
export function shortKey(key: string): Buffer {
  // Only the 16 bytes kept are decoded; the test tells upper case from lower, which decoding
  // (and so a key spelled both ways) would not.
  if (key.length === 64 && SHA256_HEX.test(key)) return Buffer.from(key.slice(0, 32), "hex");
  return dedupeDigest(key);
}

/** A key as `rows.dedupe_key` returns it (SQLite's bytes, PostgreSQL's hex), to compare. */
export function storedKey(value: Buffer | string): string {
  return typeof value === "string" ? value : value.toString("hex");
}

/**
 * A Bloom filter over the dedupe keys of one run's pre-flight: most rows are not duplicates,
 * and a key it has never seen needs no look-up. Its size is fixed, so memory stays flat however
 * long the list; it only ever answers "maybe" or "no".
 */
export class KeyFilter {
  private readonly bits = new Uint32Array(FILTER_WORDS);

  add(key: Buffer): void {
    for (let i = 0; i < 16; i += 4) {
      const bit = key.readUInt32LE(i) & FILTER_MASK;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  /** False only when no key added was this one. */
  mayHave(key: Buffer): boolean {
    for (let i = 0; i < 16; i += 4) {
      const bit = key.readUInt32LE(i) & FILTER_MASK;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}
