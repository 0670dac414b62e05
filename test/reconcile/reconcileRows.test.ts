import { describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/journal.js";
import { reconcileRows } from "../../src/pipeline/reconcileRows.js";
import type { Messenger } from "../../src/twilio/messenger.js";
import { readCredentials } from "../../src/twilio/readCredentials.js";
import { openTwilioMessenger } from "../../src/twilio/twilioMessenger.js";
import { FakeClock } from "../support/fakeClock.js";
import { runInProcess } from "../support/runCli.js";
import { csvList, FROM, useSendFixture } from "../support/simulatorFixture.js";

// The lookups go through the same dispatcher as sending: paced by the token bucket on the
// injected clock, capped in concurrency, and stopped by the signal.

const fx = useSendFixture();

/** `n` rows in doubt whose messages exist at the simulator, and a messenger that logs lists. */
async function setup(n: number, clock: FakeClock) {
  const sim = await fx.simulator({ dropRate: 1 });
  const list = fx.file("list.csv", csvList(n));
  const sent = await runInProcess(
    ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url],
    { env: fx.env(sim) },
  );
  expect(sent.code).toBe(3);
  const real = openTwilioMessenger({
    credentials: readCredentials(fx.env(sim)),
    apiUrl: new URL(sim.url),
    timeoutMs: 5000,
    concurrency: 4,
    userAgent: "twilio-bulk-test",
  });
  const starts: number[] = [];
  const messenger: Messenger & { starts: number[] } = {
    ...real,
    starts,
    list(query, limit) {
      starts.push(clock.now());
      return real.list(query, limit);
    },
  };
  const journal = await Journal.open(fx.journalPath());
  const close = async () => {
    real.close();
    await journal.close();
  };
  return { journal, messenger, close };
}

describe("reconcileRows", () => {
  it("paces its list requests with --rate on the injected clock", async () => {
    const clock = new FakeClock();
    const { journal, messenger, close } = await setup(6, clock);
    try {
      const result = await reconcileRows({
        journal,
        runId: 1,
        messenger,
        schedule: { rate: 2, burst: 1, concurrency: 4 },
        maxAttempts: 3,
        graceMs: 0,
        clock,
        signal: new AbortController().signal,
      });
      expect(result).toMatchObject({ checked: 6, sent: 6, pending: 0, lookups: 6 });
      const gaps = messenger.starts.slice(1).map((t, i) => t - messenger.starts[i]!);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(500 - 1e-6);
      expect((await journal.counts(1)).sent).toBe(6);
    } finally {
      await close();
    }
  });

  it("starts no lookup after the signal, leaving those rows in doubt", async () => {
    const clock = new FakeClock();
    const { journal, messenger, close } = await setup(5, clock);
    const controller = new AbortController();
    const list = messenger.list;
    messenger.list = (query, limit) => {
      controller.abort("SIGINT");
      return list(query, limit);
    };
    try {
      const result = await reconcileRows({
        journal,
        runId: 1,
        messenger,
        schedule: { rate: 1, burst: 1, concurrency: 1 },
        maxAttempts: 3,
        graceMs: 0,
        clock,
        signal: controller.signal,
      });
      expect(result).toMatchObject({ interrupted: true, lookups: 1, sent: 1 });
      expect(await journal.counts(1)).toMatchObject({ sent: 1, in_doubt: 4 });
    } finally {
      await close();
    }
  });
});
