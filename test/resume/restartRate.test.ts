import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { startCli } from "../support/runCli.js";
import { FROM, queryJournal, useSendFixture } from "../support/simulatorFixture.js";
import { maxInWindow } from "../support/startTimes.js";

// A burst much larger than the rate makes the fault plain: `send` spends its burst at once, is
// killed with SIGKILL within its first second and started again at once, as a supervisor would.
// A bucket starting full would spend a second whole burst: within the first 1 s window when the
// restart takes less than a second, and on a loaded machine, where starting node and loading
// twilio-node take longer, past what the bucket allows over the longer windows (burst + rate × L:
// about 40 arrivals in 2.5 s where it allows 33). Resumed from the journal (a SQLite journal's
// latest attempts, a PostgreSQL journal's shared rate), the second life starts only what the
// first bucket would have let it start had it lived.

const RATE = 5;
const BURST = 20;
const ROWS = 40;
/** The burst and most of a second of the rate. */
const KILL_AFTER = 24;
/** What the bucket can hold beyond its burst: one start of lateness room below 100/s. */
const ROOM = 1;
/** Arrivals add the path's jitter to the starts: at 5/s at most one start more. */
const JITTER = 1;

/** The most starts any window of `windowMs` may hold: the sliding window's, or the bucket's. */
function allowedIn(windowMs: number): number {
  const bucket = BURST + ROOM + (RATE * windowMs) / 1000;
  return Math.floor(windowMs <= 1000 ? RATE + BURST : bucket) + JITTER;
}

const WINDOWS_MS = [1000, 1500, 2000, 2500, 3000, 4000, 5000];

/** The window lengths some window of which holds more than allowed, with how many it held. */
function overfull(times: readonly number[]): { windowMs: number; most: number }[] {
  return WINDOWS_MS.map((windowMs) => ({ windowMs, most: maxInWindow(times, windowMs) })).filter(
    ({ windowMs, most }) => most > allowedIn(windowMs),
  );
}

const fx = useSendFixture();

const created = (sim: RunningSimulator) =>
  sim.creates().filter((c) => c.api === "messages" && c.outcome === "created");

describe("send killed with SIGKILL and started again at once on the same journal", () => {
  it("keeps every 1 s window across both lives within rate + burst (+1 of jitter), and longer ones within the bucket's burst + rate × length", async () => {
    const sim = await fx.simulator({});
    const messages = () => created(sim);
    const lines = Array.from({ length: ROWS }, (_, i) => `+1202555${String(1000 + i)},Hello ${i}`);
    const list = fx.file("list.csv", `to,body\n${lines.join("\n")}\n`);
    const journal = fx.journalPath();
    const args = ["send", list, "--from", FROM, "--rate", String(RATE), "--burst", String(BURST)];
    const send = () =>
      startCli([...args, "--concurrency", "30", "--journal", journal, "--api-url", sim.url], {
        cwd: fx.dir(),
        env: {
          HOME: fx.dir(),
          TWILIO_ACCOUNT_SID: sim.accountSid,
          TWILIO_AUTH_TOKEN: sim.authToken,
        },
        timeoutMs: 30_000,
      });

    const first = send();
    let exited = false;
    void first.exited.then(() => {
      exited = true;
    });
    while (!exited && messages().length < KILL_AFTER) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const firstLife = messages().length;
    expect(firstLife).toBeLessThan(ROWS);

    const second = await send().exited;
    expect(second.signal).toBeNull();
    expect(second.stderr).not.toMatch(/error/i);

    const made = messages();
    expect(made.length).toBeGreaterThan(firstLife);
    expect(new Set(made.map((c) => c.to)).size).toBe(made.length);
    const arrivals = made.map((c) => c.at).sort((a, b) => a - b);
    const starts = (
      await queryJournal<{ started_at: number }>(
        journal,
        "SELECT started_at FROM attempts ORDER BY started_at",
      )
    ).map((a) => a.started_at);
    expect(starts.length).toBeGreaterThanOrEqual(made.length);
    expect(overfull(arrivals)).toEqual([]);
    expect(overfull(starts)).toEqual([]);
  });
});
