import { describe, expect, it } from "vitest";
import { type Settled, TurnBatch } from "../../src/journal/turnBatch.js";

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A flush that records its batches and holds each open until `releaseAll`. */
function heldFlush() {
  const batches: number[][] = [];
  const waiting: (() => void)[] = [];
  let open = 0;
  let mostOpen = 0;
  const flush = async (items: readonly number[]): Promise<Settled<number>[]> => {
    batches.push([...items]);
    open += 1;
    mostOpen = Math.max(mostOpen, open);
    await new Promise<void>((resolve) => waiting.push(resolve));
    open -= 1;
    return items.map((x) =>
      x < 0 ? { ok: false, error: new Error(`bad ${x}`) } : { ok: true, value: x * 10 },
    );
  };
  const releaseAll = async () => {
    while (waiting.length > 0 || open > 0) {
      for (const resolve of waiting.splice(0)) resolve();
      await turn();
    }
  };
  return { flush, batches, mostOpen: () => mostOpen, releaseAll };
}

describe("TurnBatch", () => {
  it("writes the items of one turn in one flush, and settles each alone", async () => {
    const { flush, batches, releaseAll } = heldFlush();
    const batch = new TurnBatch(flush);
    const results = Promise.allSettled([batch.add(1), batch.add(-2), batch.add(3)]);
    await turn();
    await releaseAll();
    expect((await results).map((r) => (r.status === "fulfilled" ? r.value : "failed"))).toEqual([
      10,
      "failed",
      30,
    ]);
    expect(batches).toEqual([[1, -2, 3]]);
  });

  it("resolves nobody before the flush has ended", async () => {
    const { flush, releaseAll } = heldFlush();
    const batch = new TurnBatch(flush);
    let resolved = false;
    const written = batch.add(1).then(() => {
      resolved = true;
    });
    await turn();
    await turn();
    expect(resolved).toBe(false);
    await releaseAll();
    await written;
    expect(resolved).toBe(true);
  });

  it("fails every item of a batch whose flush throws", async () => {
    const batch = new TurnBatch<number, number>(async () => {
      throw new Error("disk full");
    });
    const results = await Promise.allSettled([batch.add(1), batch.add(2)]);
    expect(results.map((r) => r.status === "rejected" && String(r.reason))).toEqual([
      "Error: disk full",
      "Error: disk full",
    ]);
  });

  it("writes one batch at a time unless told more may be in flight; what waits goes as one", async () => {
    for (const inFlight of [1, 2]) {
      const { flush, batches, mostOpen, releaseAll } = heldFlush();
      const batch = new TurnBatch(flush, { inFlight });
      const written: Promise<unknown>[] = [];
      for (let x = 0; x < 4; x++) {
        written.push(batch.add(x));
        await turn();
      }
      await releaseAll();
      await Promise.all(written);
      expect(mostOpen()).toBe(inFlight);
      expect(batches).toEqual(inFlight === 1 ? [[0], [1, 2, 3]] : [[0], [1], [2, 3]]);
    }
  });
});
