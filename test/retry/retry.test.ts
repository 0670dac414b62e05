import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runInProcess } from "../support/runCli.js";
import {
  byRecipient,
  FROM,
  queryJournal,
  readJournal,
  useSendFixture,
} from "../support/simulatorFixture.js";

// `retry` in-process against the simulator over HTTP on 127.0.0.1 and a real journal file.
// Exit codes as a process sees them are in exitCodes.test.ts.

const fx = useSendFixture();

function cli(sim: RunningSimulator, args: string[]) {
  return runInProcess([...args, "--api-url", sim.url], { env: fx.env(sim) });
}

function send(sim: RunningSimulator, list: string, extra: string[] = []) {
  return cli(sim, ["send", list, "--from", FROM, "--rate", "1000", ...extra]);
}

/**
 * Once each, one request at a time: at `mps: 1` the first row is the one let through and the
 * rest are 429, whatever order concurrent requests would have reached the simulator in.
 */
function sendInFileOrder(sim: RunningSimulator, list: string) {
  return send(sim, list, ["--max-attempts", "1", "--concurrency", "1"]);
}

const NORMAL = Array.from({ length: 8 }, (_, i) => `+1202555${String(2000 + i)}`);
/** Twilio's magic numbers: each fails the same way every time. */
const PERMANENT = {
  "+15005550001": 21211,
  "+15005550002": 21612,
  "+15005550004": 21610,
  "+15005550009": 21614,
} as const;

function listOf(numbers: readonly string[]): string {
  return `to,body\n${numbers.map((to, i) => `${to},message ${i}`).join("\n")}\n`;
}

/** (To, Body) of every message the simulator created: each must appear once. */
function createdPairs(sim: RunningSimulator): string[] {
  return sim.messages().map((m) => `${m.to}|${m.body}`);
}

function createsTo(sim: RunningSimulator, to: string): number {
  return sim.creates().filter((c) => c.to === to).length;
}

describe("retry --status 429", () => {
  it("completes every rate-limited row without creating any (To, Body) twice, and leaves permanent failures alone", async () => {
    // The simulator accepts 5 creates a second; the send asks for 1000 a second, once each.
    const sim = await fx.simulator({ mps: 5 });
    const numbers = [...NORMAL, ...Object.keys(PERMANENT)];
    const list = fx.file("list.csv", listOf(numbers));
    const sent = await send(sim, list, ["--max-attempts", "1"]);
    expect(sent.code).toBe(1);
    const limited = (await readJournal(fx.journalPath())).rows.filter((r) => r.http_status === 429);
    expect(limited.length).toBeGreaterThan(0);

    const retried = await cli(sim, [
      "retry",
      "--status",
      "429",
      "--rate",
      "4",
      "--max-attempts",
      "5",
    ]);
    expect(retried.stderr).not.toMatch(/internal error/);

    const { rows } = await readJournal(fx.journalPath());
    const byTo = new Map(rows.map((r) => [r.to_number, r]));
    for (const to of NORMAL) expect(byTo.get(to)?.state).toBe("sent");
    for (const [to, code] of Object.entries(PERMANENT)) {
      expect(byTo.get(to)?.state).toBe("failed");
      expect(byTo.get(to)?.error_code).toBe(code);
    }
    expect(rows.filter((r) => r.error_code === 20429)).toEqual([]);
    const pairs = createdPairs(sim);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs).toHaveLength(NORMAL.length);
    // Every 429 was attempted again in the same run: attempts are journaled, not replaced.
    for (const row of limited) {
      expect(byTo.get(row.to_number)?.attempts).toBeGreaterThan(row.attempts);
    }

    // Asked for every failed row, retry leaves the permanent ones alone and says so.
    const before = sim.creates().length;
    const again = await cli(sim, ["retry", "--state", "failed"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Nothing to retry/);
    expect(again.stdout).toMatch(/4 rows with permanent errors \(21211 .*21610 .*21612 .*21614 /);
    expect(sim.creates().length).toBe(before);
  });

  it("sends a permanent failure again only when its code is named, with a warning; never a suppressed number", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", listOf(["+12025550100", "+15005550001", "+15005550004"]));
    expect((await send(sim, list)).code).toBe(1);
    expect(createsTo(sim, "+15005550001")).toBe(1);

    const named = await cli(sim, ["retry", "--code", "21211,21610"]);
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(
      /warning: retrying 1 row that failed with 21211 \(invalid To number\)/,
    );
    expect(named.stdout).toMatch(/1 row whose number is suppressed/);
    expect(createsTo(sim, "+15005550001")).toBe(2);
    // 21610 put the number on the suppression list: naming the code does not text it.
    expect(createsTo(sim, "+15005550004")).toBe(1);
    const attempts = (await readJournal(fx.journalPath())).attempts;
    expect(attempts.filter((a) => a.row_idx === 1).map((a) => a.error_code)).toEqual([
      21211, 21211,
    ]);
  });
});

describe("retry leaves alone", () => {
  it("rows in doubt, whatever is asked: reconcile decides them", async () => {
    // Every create is accepted, then its connection dropped: Twilio may have sent it.
    const sim = await fx.simulator({ dropRate: 1 });
    const list = fx.file("list.csv", listOf(NORMAL.slice(0, 2)));
    expect((await send(sim, list, ["--timeout", "5"])).code).toBe(3);
    expect(sim.messages()).toHaveLength(2);
    const creates = sim.creates().length;

    for (const selector of [
      ["--state", "failed,pending"],
      ["--code", "20500"],
    ]) {
      const result = await cli(sim, ["retry", ...selector]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/2 rows in doubt.*reconcile/);
      expect(result.stdout).toMatch(/Nothing to retry/);
    }
    expect(sim.creates().length).toBe(creates);
    expect((await readJournal(fx.journalPath())).rows.map((r) => r.state)).toEqual([
      "in_doubt",
      "in_doubt",
    ]);
  });
});

describe("retry --state in_doubt", () => {
  it("leaves an in-doubt row whose number was suppressed since: no request, still in doubt", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const list = fx.file("list.csv", listOf(NORMAL.slice(0, 2)));
    expect((await send(sim, list, ["--timeout", "5"])).code).toBe(3);
    sim.setOptions({ dropRate: 0 });
    const suppress = await runInProcess(["suppress", "add", NORMAL[0]!], { env: fx.env(sim) });
    expect(suppress.code).toBe(0);
    const before = createsTo(sim, NORMAL[0]!);

    const result = await cli(sim, ["retry", "--state", "in_doubt", "--json"]);
    expect(createsTo(sim, NORMAL[0]!)).toBe(before);
    expect(createsTo(sim, NORMAL[1]!)).toBe(2);
    const summary = JSON.parse(result.stdout) as {
      retry: { selected: number; leftAlone: { suppressed: number } };
    };
    expect(summary.retry).toMatchObject({ selected: 1, leftAlone: { suppressed: 1 } });
    expect((await readJournal(fx.journalPath())).rows.map((r) => r.state)).toEqual([
      "in_doubt",
      "sent",
    ]);
  });
});

describe("retry --dry-run", () => {
  it("lists what would be sent and changes nothing", async () => {
    const sim = await fx.simulator({ mps: 1 });
    const list = fx.file("list.csv", listOf(NORMAL.slice(0, 3)));
    await sendInFileOrder(sim, list);
    const before = await readJournal(fx.journalPath());
    const creates = sim.creates().length;

    const text = await cli(sim, ["retry", "--status", "429", "--dry-run"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/2 rows to retry/);
    expect(text.stdout).toMatch(/line 3 +\+12025552001 +failed 429 20429/);
    expect(text.stdout).toMatch(/Dry run: nothing was sent or changed/);

    const json = await cli(sim, ["retry", "--status", "429", "--dry-run", "--json"]);
    const parsed = JSON.parse(json.stdout) as {
      dryRun: boolean;
      retry: { selected: number };
      rows: { line: number; httpStatus: number }[];
    };
    expect(parsed.dryRun).toBe(true);
    expect(parsed.retry.selected).toBe(2);
    expect(parsed.rows.map((r) => [r.line, r.httpStatus])).toEqual([
      [3, 429],
      [4, 429],
    ]);

    expect(await readJournal(fx.journalPath())).toEqual(before);
    expect(sim.creates().length).toBe(creates);
  });
});

describe("retry --code with a delivery error", () => {
  it("sends again a message Twilio accepted but could not deliver (30001), as a new message", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", listOf(NORMAL.slice(0, 2)));
    expect((await send(sim, list)).code).toBe(0);
    const [first, second] = byRecipient(sim.messages());
    sim.setStatus(first!.sid, "undelivered", 30001);
    sim.setStatus(second!.sid, "delivered");
    expect((await cli(sim, ["status"])).code).toBe(0);

    // Not by state: the row was sent; only naming its code sends it again.
    expect((await cli(sim, ["retry", "--state", "failed"])).stdout).toMatch(/Nothing to retry/);
    const result = await cli(sim, ["retry", "--code", "30001", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ retry: { selected: 1 } });

    expect(
      sim
        .messages()
        .slice(2)
        .map((m) => m.to),
    ).toEqual([NORMAL[0]]);
    const row = (await readJournal(fx.journalPath())).rows[0]!;
    expect(row.state).toBe("sent");
    expect(row.sid).toBe(sim.messages()[2]!.sid);
    const delivery = await readDelivery(fx.journalPath());
    expect(delivery[0]).toEqual({ delivery_status: null, delivery_error_code: null });
    expect(delivery[1]).toEqual({ delivery_status: "delivered", delivery_error_code: null });
  });
});

describe("retry --state pending", () => {
  it("skips pending rows whose number became suppressed, without a request", async () => {
    // Both rows to the opted-out number are rate-limited at first, so both are failed 429.
    const sim = await fx.simulator({ mps: 1 });
    const list = fx.file(
      "list.csv",
      listOf([NORMAL[0]!, "+15005550004", NORMAL[1]!, "+15005550004"]),
    );
    await sendInFileOrder(sim, list);
    sim.setOptions({ mps: null });
    const before = createsTo(sim, "+15005550004");

    // One at a time: the first answer (21610) suppresses the number before the second starts.
    const result = await cli(sim, [
      "retry",
      "--status",
      "429",
      "--concurrency",
      "1",
      "--rate",
      "20",
    ]);
    expect(result.code).toBe(1);
    expect(createsTo(sim, "+15005550004")).toBe(before + 1);
    const rows = (await readJournal(fx.journalPath())).rows;
    expect(rows.map((r) => r.state)).toEqual(["sent", "failed", "sent", "skipped"]);
    expect(rows[3]!.reason).toMatch(/^suppressed: recipient has opted out/);
  });
});

function readDelivery(path: string) {
  return readJournalColumns(path, "delivery_status, delivery_error_code");
}

function readJournalColumns(path: string, columns: string): Promise<Record<string, unknown>[]> {
  return queryJournal(path, `SELECT ${columns} FROM rows ORDER BY run_id, idx`);
}
