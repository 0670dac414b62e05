import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runInProcess } from "../support/runCli.js";
import {
  closedPort,
  csvList,
  FROM,
  readJournal,
  useSendFixture,
} from "../support/simulatorFixture.js";

// Every outcome class through the real pipeline: `send` in-process, the simulator over HTTP on
// 127.0.0.1, the journal a real SQLite file. Exit codes as a process are in test/cli/.

const fx = useSendFixture();

function send(sim: RunningSimulator, list: string, extra: string[] = [], url = sim.url) {
  return runInProcess(
    ["send", list, "--from", FROM, "--rate", "1000", "--api-url", url, ...extra],
    { env: fx.env(sim) },
  );
}

const SID = /^SM[0-9a-f]{32}$/;

describe("a 201", () => {
  it("makes the row sent, keeping the message SID and Twilio's status", async () => {
    const sim = await fx.simulator();
    const result = await send(sim, fx.file("list.csv", csvList(3)));

    expect(result.code).toBe(0);
    const { rows, attempts } = await readJournal(fx.journalPath());
    expect(rows.map((r) => r.state)).toEqual(["sent", "sent", "sent"]);
    expect(rows.map((r) => r.twilio_status)).toEqual(["queued", "queued", "queued"]);
    expect(rows.map((r) => r.sid).sort()).toEqual(
      sim
        .messages()
        .map((m) => m.sid)
        .sort(),
    );
    for (const row of rows) expect(row.sid).toMatch(SID);
    expect(attempts.map((a) => [a.n, a.outcome, a.http_status])).toEqual([
      [1, "sent", 201],
      [1, "sent", 201],
      [1, "sent", 201],
    ]);
  });
});

describe("a 429", () => {
  it("fails the row with 20429 when --max-attempts 1 leaves no retry", async () => {
    const sim = await fx.simulator({ mps: 2 });
    const result = await send(sim, fx.file("list.csv", csvList(6)), ["--max-attempts", "1"]);

    expect(result.code).toBe(1);
    const { rows } = await readJournal(fx.journalPath());
    const failed = rows.filter((r) => r.state === "failed");
    expect(rows.filter((r) => r.state === "sent")).toHaveLength(2);
    expect(failed).toHaveLength(4);
    for (const row of failed) {
      expect([row.http_status, row.error_code, row.attempts]).toEqual([429, 20429, 1]);
    }
    expect(sim.messages()).toHaveLength(2);
  });

  it("is retried after Retry-After until sent, each attempt journaled once", async () => {
    const sim = await fx.simulator({ mps: 3, retryAfterSeconds: 1 });
    const result = await send(sim, fx.file("list.csv", csvList(5)), ["--max-attempts", "3"]);

    expect(result.code).toBe(0);
    const { rows, attempts } = await readJournal(fx.journalPath());
    expect(rows.every((r) => r.state === "sent")).toBe(true);
    expect(sim.messages()).toHaveLength(5);
    // One journaled attempt per request the simulator saw, numbered 1..n per row.
    expect(attempts).toHaveLength(sim.creates().length);
    expect(rows.some((r) => r.attempts > 1)).toBe(true);
    for (const row of rows) {
      const own = attempts.filter((a) => a.row_idx === row.idx);
      expect(own.map((a) => a.n)).toEqual(Array.from({ length: row.attempts }, (_, i) => i + 1));
      expect(own.at(-1)?.outcome).toBe("sent");
      for (const early of own.slice(0, -1)) {
        expect([early.outcome, early.http_status, early.error_code]).toEqual(["retry", 429, 20429]);
      }
    }
    // Retry-After was honoured: no retry came back sooner than the second it asked for.
    const creates = sim.creates();
    const firstRefusal = creates.find((c) => c.outcome === "429")!;
    const retried = creates.filter((c) => c.to === firstRefusal.to && c.at > firstRefusal.at);
    expect(retried[0]!.at - firstRefusal.at).toBeGreaterThanOrEqual(990);
  });
});

describe("a refused connection", () => {
  it("is retried, then fails the row; nothing is in doubt (exit 1)", async () => {
    const sim = await fx.simulator();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const list = fx.file("list.csv", csvList(2));
    const result = await send(sim, list, ["--max-attempts", "2"], url);

    expect(result.code).toBe(1);
    const { rows, attempts } = await readJournal(fx.journalPath());
    expect(rows.map((r) => [r.state, r.attempts])).toEqual([
      ["failed", 2],
      ["failed", 2],
    ]);
    expect(rows[0]!.error_message).toMatch(/ECONNREFUSED/);
    expect(attempts.map((a) => a.outcome)).toEqual(["retry", "failed", "retry", "failed"]);
  });
});

describe("another 4xx", () => {
  it.each([
    ["+15005550001", 21211],
    ["+15005550004", 21610],
  ])("to %s fails that row with %i; the others are sent", async (to, code) => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", `to,body\n+12025550100,hi\n${to},hi\n+12025550101,hi\n`);
    const result = await send(sim, list);

    expect(result.code).toBe(1);
    const { rows } = await readJournal(fx.journalPath());
    expect(rows.map((r) => r.state)).toEqual(["sent", "failed", "sent"]);
    expect([rows[1]!.http_status, rows[1]!.error_code, rows[1]!.attempts]).toEqual([400, code, 1]);
    expect(rows[1]!.error_message).toBeTruthy();
  });
});

describe("answers that leave the outcome unknown", () => {
  it("a 500 makes the row in_doubt (exit 3), and a second send does not resend it (exit 0: nothing left to send)", async () => {
    const sim = await fx.simulator({ serverErrorRate: 1 });
    const list = fx.file("list.csv", csvList(2));
    const first = await send(sim, list);

    expect(first.code).toBe(3);
    expect((await readJournal(fx.journalPath())).rows.map((r) => [r.state, r.http_status])).toEqual(
      [
        ["in_doubt", 500],
        ["in_doubt", 500],
      ],
    );
    expect(sim.creates()).toHaveLength(2);

    sim.setOptions({ serverErrorRate: 0 });
    const second = await send(sim, list);
    expect(sim.creates()).toHaveLength(2);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already finished/);
    expect(second.stdout).toMatch(/in doubt/);
    expect((await readJournal(fx.journalPath())).rows.map((r) => r.state)).toEqual([
      "in_doubt",
      "in_doubt",
    ]);
  });

  it("a timeout makes the row in_doubt, though the simulator did create it", async () => {
    const sim = await fx.simulator({ latencyMs: 1500 });
    const result = await send(sim, fx.file("list.csv", csvList(1)), ["--timeout", "0.2"]);

    expect(result.code).toBe(3);
    const [row] = (await readJournal(fx.journalPath())).rows;
    expect(row?.state).toBe("in_doubt");
    expect(row?.error_message).toMatch(/timeout/i);
    expect(sim.messages()).toHaveLength(1);
  });

  it("a reset makes the row in_doubt: from the client's side it may have been read", async () => {
    const sim = await fx.simulator({ resetRate: 1 });
    const result = await send(sim, fx.file("list.csv", csvList(2)));

    expect(result.code).toBe(3);
    const { rows, attempts } = await readJournal(fx.journalPath());
    expect(rows.map((r) => r.state)).toEqual(["in_doubt", "in_doubt"]);
    expect(rows[0]!.error_message).toMatch(/ECONNRESET|socket hang up/);
    expect(attempts).toHaveLength(2);
    expect(sim.messages()).toHaveLength(0);
  });

  it("a dropped answer makes the row in_doubt; the message exists", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const result = await send(sim, fx.file("list.csv", csvList(2)));

    expect(result.code).toBe(3);
    expect((await readJournal(fx.journalPath())).rows.map((r) => r.state)).toEqual([
      "in_doubt",
      "in_doubt",
    ]);
    expect(sim.messages()).toHaveLength(2);
  });
});

describe("answers that fail every row alike", () => {
  it("20003 (wrong auth token) stops the run at once: exit 77, the rest pending", async () => {
    const sim = await fx.simulator();
    const result = await runInProcess(
      ["send", fx.file("list.csv", csvList(5)), "--from", FROM, "--concurrency", "1"],
      {
        env: fx.env(sim, { TWILIO_AUTH_TOKEN: "not-the-token", TWILIO_BULK_API_URL: sim.url }),
      },
    );

    expect(result.code).toBe(77);
    expect(result.stderr).toMatch(/20003/);
    expect(result.stderr).toMatch(/Authentication/i);
    expect(result.stderr + result.stdout).not.toMatch(/\n\s+at /);
    expect(result.stdout).toMatch(/Resume with: /);
    const { rows } = await readJournal(fx.journalPath());
    expect(rows.every((r) => r.state === "pending")).toBe(true);
    // One request at a time: the first answer stops the run before another starts.
    expect(sim.creates()).toHaveLength(1);
    expect(sim.messages()).toHaveLength(0);
  });

  it.each([
    ["+15005550001", 21212],
    ["+15005550007", 21606],
  ])("from %s (%i) stops the run at once: exit 78, the rest pending", async (from, code) => {
    const sim = await fx.simulator();
    const result = await runInProcess(
      ["send", fx.file("list.csv", csvList(5)), "--from", from, "--concurrency", "1"],
      { env: fx.env(sim, { TWILIO_BULK_API_URL: sim.url }) },
    );

    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(new RegExp(String(code)));
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const { rows } = await readJournal(fx.journalPath());
    expect(rows.every((r) => r.state === "pending")).toBe(true);
    expect(sim.creates()).toHaveLength(1);
  });
});
