import { makeSid } from "./makeSid.js";
import type { Prng } from "./prng.js";

/**
 * Resources of one kind (calls, verifications, executions) in creation order, by sid and by a
 * lookup key (e.g. To). Positions by key are kept, not scanned for: finding an in-doubt create
 * lists by To, and a long rehearsal must not scan every resource for each such lookup.
 */
export class ResourceStore<T extends { sid: string }> {
  readonly #items: T[] = [];
  readonly #indexBySid = new Map<string, number>();
  readonly #indicesByKey = new Map<string, number[]>();

  constructor(
    private readonly prefix: string,
    private readonly sidSource: Prng,
    private readonly keyOf: (item: T) => string,
  ) {}

  /** Stores `make(sid)` under a new sid and returns it. */
  add(make: (sid: string) => T): T {
    const item = make(makeSid(this.prefix, this.sidSource, (sid) => this.#indexBySid.has(sid)));
    const index = this.#items.push(item) - 1;
    this.#indexBySid.set(item.sid, index);
    const key = this.keyOf(item);
    const same = this.#indicesByKey.get(key);
    if (same) same.push(index);
    else this.#indicesByKey.set(key, [index]);
    return item;
  }

  get(sid: string): T | undefined {
    const index = this.#indexBySid.get(sid);
    return index === undefined ? undefined : this.#items[index];
  }

  /** Position of a resource in `all()`, or -1. */
  indexOf(sid: string): number {
    return this.#indexBySid.get(sid) ?? -1;
  }

  /** Positions in `all()` of the resources under `key`, ascending; callers must not modify it. */
  indicesOf(key: string): readonly number[] {
    return this.#indicesByKey.get(key) ?? [];
  }

  /** The live list, oldest first: callers must not modify it. */
  all(): readonly T[] {
    return this.#items;
  }
}
