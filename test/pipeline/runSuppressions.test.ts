import { describe, expect, it } from "vitest";
import type { Journal, SendableRow } from "../../src/journal/journal.js";
import { addSuppressions } from "../../src/journal/suppressionList.js";
import { CHECKED_FOR_MS, RunSuppressions } from "../../src/pipeline/runSuppressions.js";
import { useTempJournal } from "../support/tempJournal.js";

let journal: Journal;
useTempJournal((opened) => {
  journal = opened;
});

function row(idx: number, to: string): SendableRow {
  const request = { to, from: "+15005550006", body: "hi" };
  return {
    runId: 1,
    idx,
    line: idx + 2,
    api: "messages",
    to,
    request,
    attempts: 0,
    timeZone: null,
  };
}

async function* each<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

const optOut = (number: string) =>
  addSuppressions(journal, [{ number, code: 21610, reason: "opted out", runId: null }]);

describe("RunSuppressions", () => {
  it("reads rows past the numbers on the list", async () => {
    await optOut("+14155550002");
    const suppressions = new RunSuppressions({
      journal,
      clock: { now: () => 0, sleep: async () => {} },
    });
    const rows = ["+14155550001", "+14155550002", "+14155550003"].map((to, i) => row(i, to));
    const read: string[] = [];
    for await (const r of suppressions.filter(each(rows))) read.push(r.to);
    expect(read).toEqual(["+14155550001", "+14155550003"]);
  });

  it("looks up what the source has ready without waiting for its next claim", async () => {
    let release!: () => void;
    const claimed = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* claims(): AsyncGenerator<SendableRow> {
      yield row(0, "+14155550001");
      yield row(1, "+14155550002");
      await claimed;
      yield row(2, "+14155550003");
    }
    const suppressions = new RunSuppressions({
      journal,
      clock: { now: () => 0, sleep: async () => {} },
    });
    const rows = suppressions.filter(claims());
    expect((await rows.next()).value?.idx).toBe(0);
    expect((await rows.next()).value?.idx).toBe(1);
    release();
    expect((await rows.next()).value?.idx).toBe(2);
    expect((await rows.next()).done).toBe(true);
  });

  it("asks again before the intent only when the row waited since it was read", async () => {
    let now = 0;
    const suppressions = new RunSuppressions({
      journal,
      clock: { now: () => now, sleep: async () => {} },
    });
    const waited = row(0, "+14155550001");
    for await (const _ of suppressions.filter(each([waited]))) {
    }
    await optOut("+14155550001");
    now += CHECKED_FOR_MS - 1;
    expect(await suppressions.skipNow(waited)).toBe(false);
    now += 1;
    expect(await suppressions.skipNow(waited)).toBe(true);
  });

  it("knows at once a number this run's own answers suppressed", async () => {
    const suppressions = new RunSuppressions({
      journal,
      clock: { now: () => 0, sleep: async () => {} },
    });
    const later = row(1, "+14155550001");
    for await (const _ of suppressions.filter(each([later]))) {
    }
    suppressions.learn("+14155550001", "opted out");
    expect(suppressions.skipKnown(later)).toBe(true);
    expect(await suppressions.skipNow(later)).toBe(true);
    await suppressions.settled();
  });
});
