import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import type { Db } from "./openDatabase.js";

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** 2^25 bits (4 MiB) a run: 1 in 6,000 new keys is looked up in vain at 1M rows, 1 in 4 at 10M. */
const FILTER_WORDS = (1 << 25) / 32;
const FILTER_MASK = (1 << 25) - 1;

interface KeyTable {
  insert: Database.Statement;
  find: Database.Statement;
  /**
   * A Bloom filter over the keys written: most rows are not duplicates, and a key it has never
   * seen needs no look-up. Its size is fixed, so memory stays flat however long the list.
   */
  seen: Uint32Array;
}

/**
 * The dedupe keys of the rows a pre-flight has journaled, so a later row with the same key is
 * found to be a duplicate without holding a million keys in memory. They live in a TEMP table
 * of this connection (a file SQLite never syncs, dropped when the pre-flight ends), not in the
 * journal: nothing after the pre-flight asks for them, and a run interrupted while preparing is
 * pre-flighted again from the top. Kept in the journal, their index took a page write per row
 * (the keys are hashes, so each lands on a page of its own) and about a quarter of its size.
 */
export class PreflightKeys {
  private readonly tables = new Map<number, KeyTable>();

  constructor(private readonly db: Db) {}

  /** Records keys as rows are written; the first line a key is seen on is the one kept. */
  writer(runId: number): { add(key: string, line: number): void } {
    const table = this.table(runId);
    return {
      add: (key, line) => {
        const short = shortKey(key);
        for (let i = 0; i < 16; i += 4) {
          const bit = short.readUInt32LE(i) & FILTER_MASK;
          table.seen[bit >>> 5]! |= 1 << (bit & 31);
        }
        table.insert.run(short, line);
      },
    };
  }

  /** The first line written with this key, if any. */
  lineOf(runId: number, key: string): number | undefined {
    const table = this.tables.get(runId);
    if (table === undefined) return undefined;
    const short = shortKey(key);
    for (let i = 0; i < 16; i += 4) {
      const bit = short.readUInt32LE(i) & FILTER_MASK;
      if ((table.seen[bit >>> 5]! & (1 << (bit & 31))) === 0) return undefined;
    }
    return table.find.get(short) as number | undefined;
  }

  /** Drops the run's keys: its pre-flight is over (ready, or thrown away). */
  forget(runId: number): void {
    if (!this.tables.delete(runId)) return;
    this.db.exec(`DROP TABLE IF EXISTS temp.${tableName(runId)}`);
  }

  private table(runId: number): KeyTable {
    let table = this.tables.get(runId);
    if (!table) {
      const name = `temp.${tableName(runId)}`;
      this.db.exec(
        `CREATE TEMP TABLE IF NOT EXISTS ${tableName(runId)} (key BLOB PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID`,
      );
      table = {
        insert: this.db.prepare(`INSERT OR IGNORE INTO ${name} (key, line) VALUES (?, ?)`),
        find: this.db.prepare(`SELECT line FROM ${name} WHERE key = ?`).pluck(),
        seen: new Uint32Array(FILTER_WORDS),
      };
      this.tables.set(runId, table);
    }
    return table;
  }
}

function tableName(runId: number): string {
  return `preflight_keys_${Math.trunc(runId)}`;
}

/**
 * 16 bytes of the key's sha256: a collision among a million rows is about 1 in 10^26. A key
 * that already is a sha256 (buildRequest's) is not hashed again.
 */
function shortKey(key: string): Buffer {
  if (SHA256_HEX.test(key)) return Buffer.from(key.slice(0, 32), "hex");
  return createHash("sha256").update(key).digest().subarray(0, 16);
}
