import { existsSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { seededRandom } from "../support/fakeClock.js";
import { type StartedCli, startCli } from "../support/runCli.js";
import { queryJournal, TEST_BACKEND, useSendFixture } from "../support/simulatorFixture.js";

// The acceptance test: kill `send` with SIGKILL at random moments, over and over, resume
// each time, then reconcile, and judge the outcome from the simulator's own record of what it
// created. Kills land during pre-flight, between requests and with requests in flight, and
// the simulator drops some answers after creating the message (the worst case: created, no
// answer). Nothing may be created twice and every row must end settled.

const ROWS = 300;
const KILLS = 100;
/** The first kills go for the pre-flight; the rest land anywhere. */
const PREFLIGHT_KILLS = 3;
const FROM = "+15005550006";

const fx = useSendFixture();
let sim: RunningSimulator;
beforeEach(async () => {
  sim = await fx.simulator({ latencyMs: 20, jitterMs: 20, dropRate: 0.05, seed: 11 });
});

type Exit = Awaited<StartedCli["exited"]>;

function start(args: readonly string[]): StartedCli {
  return startCli(args, {
    cwd: fx.dir(),
    env: { HOME: fx.dir(), TWILIO_ACCOUNT_SID: sim.accountSid, TWILIO_AUTH_TOKEN: sim.authToken },
    // The caller bounds each run itself (finish() below, or its own kill).
    timeoutMs: 120_000,
  });
}

/** Runs a command to its end (a hung one is killed so the test fails rather than hangs). */
async function finish(args: readonly string[]): Promise<Exit> {
  const { child, exited } = start(args);
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const exit = await exited;
  clearTimeout(timer);
  return exit;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `check` holds (polled every 2 ms) or the process has exited. */
async function until(
  check: () => boolean | Promise<boolean>,
  exited: { done: boolean },
): Promise<void> {
  while (!exited.done && !(await check())) await sleep(2);
}

describe("send killed with SIGKILL at random moments", () => {
  it(`never creates a message twice over ${KILLS} kills, and every row ends settled`, {
    timeout: 240_000,
  }, async () => {
    const journalPath = fx.journalPath();
    const lines = ["to,body"];
    for (let i = 0; i < ROWS; i++) lines.push(`+1202555${String(1000 + i)},Hello ${i}`);
    lines.push("not-a-number,invalid row", `+12025551000,Hello 0`, "+15005550001,refused");
    const list = fx.file("list.csv", `${lines.join("\n")}\n`);
    // A modest rate keeps each run to a few rows before its kill, so all the kills fall before
    // the list is done; the latency keeps about one request in flight at any moment.
    const send = [
      "send",
      list,
      "--from",
      FROM,
      "--rate",
      "40",
      "--concurrency",
      "20",
      "--journal",
      journalPath,
      "--api-url",
      sim.url,
    ];
    const reconcile = [
      "reconcile",
      "--grace",
      "0s",
      "--rate",
      "1000",
      "--concurrency",
      "20",
      "--journal",
      journalPath,
      "--api-url",
      sim.url,
    ];

    /** The newest run's phase and identity, read as the child writes them. */
    const newestRun = async (): Promise<{ phase: string; created: string } | undefined> => {
      // Only once the child has put a SQLite file in WAL mode: a reader in the way of that
      // switch would make it fail.
      if (TEST_BACKEND === "sqlite" && !existsSync(`${journalPath}-wal`)) return undefined;
      try {
        const [run] = await queryJournal<{ phase: string; created: string }>(
          journalPath,
          "SELECT phase, id || ':' || created_at AS created FROM runs ORDER BY id DESC LIMIT 1",
        );
        return run;
      } catch {
        return undefined; // not migrated yet
      }
    };

    const random = seededRandom(20240501);
    const landed = { preflight: 0, early: 0, sending: 0 };
    let kills = 0;
    while (kills < KILLS) {
      const creates = sim.creates().length;
      const { child, exited } = start(send);
      const state = { done: false };
      void exited.then(() => {
        state.done = true;
      });
      let where: keyof typeof landed;
      const before = await newestRun();
      if (before?.phase !== "ready" && before?.phase !== "finished" && kills < PREFLIGHT_KILLS) {
        // No run is ready yet: kill this one as soon as it has created its run, in the middle
        // of its pre-flight (or, when that was quicker than our polling, right after it).
        await until(async () => {
          const now = await newestRun();
          return now !== undefined && now.created !== before?.created;
        }, state);
        where = (await newestRun())?.phase === "preparing" ? "preflight" : "early";
      } else if (random() < 0.4) {
        // Anywhere in start-up: opening the journal, taking the lock, recovering.
        where = "early";
        await sleep(random() * 400);
      } else {
        // Once its first request has reached Twilio, with requests in flight or between them.
        where = "sending";
        await until(() => sim.creates().length > creates, state);
        await sleep(random() * 60);
      }
      if (state.done) {
        const exit = await exited;
        expect(exit.code, exit.stderr).not.toBe(70);
        // Finished before the kill: fine, unless the whole list is done (then stop, and the
        // count of kills below says the list was too short for the rate).
        if ((await countRows(journalPath, "pending")) === 0) break;
        continue;
      }
      child.kill("SIGKILL");
      const exit = await exited;
      expect(exit.signal).toBe("SIGKILL");
      landed[where]++;
      kills++;
    }
    expect(kills, `kills before the list was done: ${JSON.stringify(landed)}`).toBe(KILLS);
    expect(landed.preflight).toBeGreaterThan(0);
    expect(landed.sending).toBeGreaterThan(KILLS / 3);

    // Left alone, the same command carries on to the end of the list.
    const last = await finish(send);
    expect([0, 1, 3], last.stderr).toContain(last.code);

    // Then reconcile and resume until nothing is pending or in doubt (drops go on meanwhile).
    for (let round = 0; round < 10; round++) {
      if ((await countRows(journalPath, "pending", "in_doubt")) === 0) break;
      const settled = await finish(reconcile);
      expect([0, 1, 3], settled.stderr).toContain(settled.code);
      const resumed = await finish(send);
      expect([0, 1, 3], resumed.stderr).toContain(resumed.code);
    }

    const created = new Map<string, string[]>();
    for (const m of sim.messages()) {
      const key = `${m.to} ${m.body}`;
      created.set(key, [...(created.get(key) ?? []), m.sid]);
    }
    const twice = [...created].filter(([, sids]) => sids.length > 1);
    expect(twice, "messages created more than once").toEqual([]);

    if (TEST_BACKEND === "sqlite") {
      const [check] = await queryJournal<{ integrity_check: string }>(
        journalPath,
        "PRAGMA integrity_check",
      );
      expect(check?.integrity_check).toBe("ok");
    }
    const rows = await queryJournal<{
      idx: number;
      state: string;
      to_number: string | null;
      sid: string | null;
    }>(journalPath, "SELECT idx, state, to_number, sid FROM rows");
    expect(rows).toHaveLength(ROWS + 3);
    const states = new Map<string, number>();
    for (const row of rows) states.set(row.state, (states.get(row.state) ?? 0) + 1);
    expect(Object.fromEntries(states)).toEqual({
      sent: ROWS,
      failed: 1,
      invalid: 1,
      skipped: 1,
    });
    // Every sent row holds the sid of the one message created for it, and nothing else
    // was created.
    const bySid = new Map(sim.messages().map((m) => [m.sid, m]));
    for (const row of rows.filter((r) => r.state === "sent")) {
      expect(bySid.get(row.sid ?? "")?.to).toBe(row.to_number);
    }
    expect(sim.messages()).toHaveLength(ROWS);
  });
});

async function countRows(journalPath: string, ...states: string[]): Promise<number> {
  const [row] = await queryJournal<{ n: number }>(
    journalPath,
    `SELECT count(*) AS n FROM rows WHERE state IN (${states.map(() => "?").join(",")})`,
    states,
  );
  return row!.n;
}
