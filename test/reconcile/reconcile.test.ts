import { describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/journal.js";
import { acquireRunLock } from "../../src/journal/runLock.js";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runInProcess } from "../support/runCli.js";
import {
  changeJournal,
  csvList,
  FROM,
  queryJournal,
  readJournal,
  useSendFixture,
} from "../support/simulatorFixture.js";

// `twilio-bulk reconcile`: an in-doubt row found once in Twilio's list is sent; found several
// times, sent and flagged; not found, pending again once older than --grace, else still in
// doubt. Then the same `send` sends what went back to pending.

const fx = useSendFixture();
const MIN = 60_000;

/** Sends `n` rows with the simulator's faults on: "drop" (created, no answer) or "reset". */
async function inDoubtRun(n: number, fault: "drop" | "reset") {
  const sim = await fx.simulator(fault === "drop" ? { dropRate: 1 } : { resetRate: 1 });
  const list = fx.file("list.csv", csvList(n));
  const send = ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url];
  const sent = await runInProcess(send, { env: fx.env(sim) });
  expect(sent.code, sent.stderr).toBe(3);
  expect((await readJournal(fx.journalPath())).rows.every((r) => r.state === "in_doubt")).toBe(
    true,
  );
  sim.setOptions({ dropRate: 0, resetRate: 0 });
  const reconcile = (...extra: string[]) =>
    runInProcess(["reconcile", "--rate", "1000", "--api-url", sim.url, ...extra], {
      env: fx.env(sim),
    });
  return { sim, send, reconcile };
}

/** Creates a message through the simulator's API, as a second copy from another sender would. */
async function createMessage(sim: RunningSimulator, to: string, body: string): Promise<string> {
  const auth = Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString("base64");
  const response = await fetch(`${sim.url}/2010-04-01/Accounts/${sim.accountSid}/Messages.json`, {
    method: "POST",
    headers: { authorization: `Basic ${auth}` },
    body: new URLSearchParams({ To: to, From: FROM, Body: body }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { sid: string }).sid;
}

/** Moves the run's attempts `ms` into the past, as if they had been made that long ago. */
function ageAttempts(ms: number): Promise<void> {
  // The whole attempt, its recorded end too: reconcile searches up to that end.
  return changeJournal(
    fx.journalPath(),
    "UPDATE attempts SET started_at = started_at - ?, finished_at = finished_at - ?",
    [ms, ms],
  );
}

describe("an in-doubt row found once in Twilio's list", () => {
  it("becomes sent with that message's sid, even within the grace period (exit 0)", async () => {
    const { sim, reconcile } = await inDoubtRun(4, "drop");
    const result = await reconcile();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/found, now sent\s+4/);
    const rows = (await readJournal(fx.journalPath())).rows;
    const sids = new Map(sim.messages().map((m) => [m.to, m.sid]));
    for (const row of rows) {
      expect(row.state).toBe("sent");
      expect(row.sid).toBe(sids.get(row.to_number!));
    }
    expect(sim.messages()).toHaveLength(4);
  });
});

describe("an in-doubt row found several times", () => {
  it("becomes sent and is flagged as a duplicate, with the other sids kept", async () => {
    const { sim, reconcile } = await inDoubtRun(2, "drop");
    const [first] = sim.messages();
    const extra = await createMessage(sim, first!.to, first!.body);
    const result = await reconcile("--json");
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      counts: { sent: number };
      reconcile: { duplicates: { to: string; sid: string; duplicates: string[] }[] };
    };
    expect(summary.counts.sent).toBe(2);
    expect(summary.reconcile.duplicates).toEqual([
      expect.objectContaining({ to: first!.to, sid: first!.sid, duplicates: [extra] }),
    ]);
    const [row] = await queryJournal<{ sid: string; duplicate_sids: string }>(
      fx.journalPath(),
      "SELECT sid, duplicate_sids FROM rows WHERE to_number = ?",
      [first!.to],
    );
    expect(row).toEqual({ sid: first!.sid, duplicate_sids: JSON.stringify([extra]) });

    const text = await reconcile();
    expect(text.stdout).toContain("Nothing in doubt");
  });

  it("says so in the text report", async () => {
    const { sim, reconcile } = await inDoubtRun(1, "drop");
    const [only] = sim.messages();
    const extra = await createMessage(sim, only!.to, only!.body);
    const result = await reconcile();
    expect(result.stdout).toContain(
      `line 2 (${only!.to}) was sent 2 times: kept ${only!.sid}, duplicates ${extra}`,
    );
  });
});

describe("an in-doubt row not found", () => {
  it("stays in doubt while its attempt is younger than --grace (default 10m), exit 3", async () => {
    const { sim, reconcile } = await inDoubtRun(3, "reset");
    const result = await reconcile();
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/still in doubt\s+3/);
    expect(result.stdout).toContain("not in Twilio's message list yet");
    expect((await readJournal(fx.journalPath())).rows.every((r) => r.state === "in_doubt")).toBe(
      true,
    );
    expect(sim.messages()).toHaveLength(0);
  });

  it("goes back to pending once older than the grace period, and send then sends it", async () => {
    const { sim, send, reconcile } = await inDoubtRun(3, "reset");
    await ageAttempts(11 * MIN);
    const result = await reconcile();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/not found, pending again\s+3/);
    expect(result.stdout).toContain("the `twilio-bulk send` command of this run");
    const rows = (await readJournal(fx.journalPath())).rows;
    expect(rows.map((r) => r.state)).toEqual(["pending", "pending", "pending"]);
    expect(rows[0]?.error_message).toBe("reconcile found no such message at Twilio");

    // The run had finished (nothing was pending); reconcile reopened it.
    const resumed = await runInProcess(send, { env: fx.env(sim) });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("Resuming run 1: 3 rows pending");
    expect(sim.messages()).toHaveLength(3);
  });

  it.each([
    ["5m", 3],
    ["90s", 1],
    ["0s", 1],
  ])("with --grace %s, after 2 minutes, exits %i", async (grace, code) => {
    const { reconcile } = await inDoubtRun(1, "reset");
    await ageAttempts(2 * MIN);
    expect((await reconcile("--grace", grace)).code).toBe(code);
  });

  it("keeps a row found and a row not found apart on one number", async () => {
    const sim = await fx.simulator({ resetRate: 1 });
    const to = "+12025550123";
    const list = fx.file("list.csv", `to,body\n${to},first\n${to},second\n`);
    const send = ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url];
    expect((await runInProcess(send, { env: fx.env(sim) })).code).toBe(3);
    sim.setOptions({ resetRate: 0 });
    // As if the first request had reached Twilio after all, within its timeout and the skew.
    const sid = await createMessage(sim, to, "first");
    await ageAttempts(4 * MIN);
    const result = await runInProcess(["reconcile", "--grace", "3m", "--api-url", sim.url], {
      env: fx.env(sim),
    });
    expect(result.code).toBe(1);
    const rows = (await readJournal(fx.journalPath())).rows;
    expect(rows.map((r) => [r.state, r.sid])).toEqual([
      ["sent", sid],
      ["pending", null],
    ]);
  });
});

describe("reconcile", () => {
  it("first settles attempts a killed process left in flight", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(2));
    const send = ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url];
    await runInProcess(send, { env: fx.env(sim, { TWILIO_AUTH_TOKEN: "wrong" }) });
    const journal = await Journal.open(fx.journalPath());
    await journal.beginAttempt(1, 0); // committed, then the process "died" before its request
    await journal.close();
    const result = await runInProcess(["reconcile", "--grace", "0s", "--api-url", sim.url], {
      env: fx.env(sim),
    });
    expect(result.stdout).toContain("in flight when a process stopped: 1 row");
    expect(result.stdout).toMatch(/not found, pending again\s+1/);
    expect(result.code).toBe(1);
  });

  it("with nothing in doubt says so, and exits as send would", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(2));
    await runInProcess(["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url], {
      env: fx.env(sim),
    });
    const result = await runInProcess(["reconcile", "--run", "1", "--api-url", sim.url], {
      env: fx.env(sim),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Nothing in doubt in run 1.");
  });

  it("exits 75 while another process works on the run", async () => {
    const { reconcile } = await inDoubtRun(1, "drop");
    const journal = await Journal.open(fx.journalPath());
    const lock = await acquireRunLock(journal, 1, { pid: process.ppid });
    try {
      const result = await reconcile();
      expect(result.code).toBe(75);
      expect(result.stderr).toContain(`process ${process.ppid}`);
    } finally {
      await lock.release();
      await journal.close();
    }
  });

  it.each([
    [["--grace", "soon"], 64, "`--grace` must be a duration such as 10m"],
    [["--run", "nope"], 66, "no run named `nope`"],
  ])("%j exits %i", async (args, code, message) => {
    const { reconcile } = await inDoubtRun(1, "drop");
    const result = await reconcile(...args);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  });
});

describe("a row retried after its message was not delivered", () => {
  it("never takes the old, undelivered message for its new in-doubt attempt", async () => {
    // +12025550003 ends undelivered 30003 at the simulator; retry then loses its connection.
    const sim = await fx.simulator();
    const to = "+12025550003";
    const list = fx.file("list.csv", `to,body\n${to},hello\n`);
    const cli = (...args: string[]) =>
      runInProcess([...args, "--api-url", sim.url], { env: fx.env(sim) });
    expect((await cli("send", list, "--from", FROM, "--rate", "1000")).code).toBe(0);
    const [old] = sim.messages();
    sim.finalize();
    expect((await cli("status")).code).toBe(0);
    sim.setOptions({ resetRate: 1 });
    expect((await cli("retry", "--code", "30003")).code).toBe(3);
    sim.setOptions({ resetRate: 0 });

    // The old message is still in Twilio's list, inside the search window, with the same body.
    const result = await cli("reconcile", "--grace", "0s");
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/not found, pending again\s+1/);
    const [row] = (await readJournal(fx.journalPath())).rows;
    expect([row?.state, row?.sid]).toEqual(["pending", null]);
    expect(old?.sid).toBeDefined();

    // With a new message at Twilio after all, that one is the row's, not the old one.
    const resent = await cli("send", list, "--from", FROM, "--rate", "1000");
    expect(resent.code, resent.stderr).toBe(0);
    const fresh = sim.messages().find((m) => m.sid !== old!.sid);
    expect((await readJournal(fx.journalPath())).rows[0]?.sid).toBe(fresh?.sid);
  });

  it("does not take another row's message to the same number for its own", async () => {
    // Two rows to one number whose bodies differ only by surrounding blanks: distinct rows,
    // but the same message as reconcile compares them.
    const sim = await fx.simulator();
    const to = "+12025550124";
    const list = fx.file("list.csv", `to,body\n${to},hi\n${to},"hi "\n`);
    const cli = (...args: string[]) =>
      runInProcess([...args, "--api-url", sim.url], { env: fx.env(sim) });
    expect((await cli("send", list, "--from", FROM, "--rate", "1000")).code).toBe(0);
    const first = (await readJournal(fx.journalPath())).rows[0]!.sid;
    // As if the second row's create had lost its answer.
    await changeJournal(
      fx.journalPath(),
      "UPDATE rows SET state = 'in_doubt', sid = NULL, twilio_status = NULL WHERE idx = 1",
    );
    await changeJournal(
      fx.journalPath(),
      "UPDATE attempts SET outcome = 'in_doubt', sid = NULL WHERE row_idx = 1",
    );
    const result = await cli("reconcile", "--grace", "0s", "--json");
    const summary = JSON.parse(result.stdout) as { reconcile: { duplicates: unknown[] } };
    expect(summary.reconcile.duplicates).toEqual([]);
    const rows = (await readJournal(fx.journalPath())).rows;
    expect(rows[0]?.sid).toBe(first);
    // The second row's own message is at Twilio: it is sent with that sid, not the first row's.
    const second = sim.messages().find((m) => m.sid !== first)!.sid;
    expect([rows[1]?.state, rows[1]?.sid]).toEqual(["sent", second]);
  });
});

describe("what reconcile never takes for an in-doubt row's message", () => {
  it("another run's message to the same number, with the same body", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(1));
    const send = ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url];
    expect((await runInProcess(send, { env: fx.env(sim) })).code).toBe(0);
    const [yesterday] = sim.messages();
    sim.setOptions({ dropRate: 1 });
    expect((await runInProcess([...send, "--new-run"], { env: fx.env(sim) })).code).toBe(3);
    sim.setOptions({ dropRate: 0 });
    const own = sim.messages().find((m) => m.sid !== yesterday!.sid);
    const result = await runInProcess(["reconcile", "--api-url", sim.url], { env: fx.env(sim) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain("duplicate");
    expect((await readJournal(fx.journalPath())).rows.map((r) => r.sid)).toEqual([
      yesterday!.sid,
      own!.sid,
    ]);
  });

  it("a message created after its attempt could have ended (the timeout, plus the skew)", async () => {
    const { sim, reconcile } = await inDoubtRun(1, "reset");
    await ageAttempts(60 * MIN);
    const [row] = (await readJournal(fx.journalPath())).rows;
    await createMessage(sim, row!.to_number!, "hello");
    const result = await reconcile();
    expect(result.stdout).toMatch(/not found, pending again\s+1/);
    expect((await readJournal(fx.journalPath())).rows.map((r) => [r.state, r.sid])).toEqual([
      ["pending", null],
    ]);
  });
});
