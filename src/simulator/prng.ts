/** A source of uniform numbers in [0, 1). */
export type Prng = () => number;

/**
 * mulberry32: tiny, fast and good enough for picking faults. `Math.random` cannot be seeded,
 * and a rehearsal that failed must be replayable with the same faults in the same places.
 */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Independent streams from one seed, so that e.g. the jitter drawn for a GET never shifts which
 * create gets a fault: each concern draws from its own stream.
 */
export function deriveSeed(seed: number, stream: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
}
