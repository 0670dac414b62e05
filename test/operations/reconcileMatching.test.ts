import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runInProcess } from "../support/runCli.js";
import { changeJournal, type SendFixture, useSendFixture } from "../support/simulatorFixture.js";
import { apiRows, sendList } from "./apiFixture.js";

// Reconcile takes a listed message or call for a row only when no other row, of this run or
// another, could have made it: taking another's would let a row that was never sent go back to
// pending and be sent again, and the recipient would get it twice.

const fx = useSendFixture();

function reconcile(sim: RunningSimulator, extra: readonly string[]) {
  return runInProcess(
    ["reconcile", "--rate", "1000", "--grace", "0s", "--api-url", sim.url, ...extra],
    {
      env: fx.env(sim),
    },
  );
}

/** Leaves run `runId` as a process that crashed mid-request does: the row pending, its attempt in flight. */
async function crashMidRequest(fixture: SendFixture, runId: number) {
  await changeJournal(
    fixture.journalPath(),
    "UPDATE attempts SET outcome = 'in_flight', finished_at = NULL WHERE run_id = ?",
    [runId],
  );
  await changeJournal(fixture.journalPath(), "UPDATE rows SET state = 'pending' WHERE run_id = ?", [
    runId,
  ]);
}

describe("reconcile and other runs' rows", () => {
  it("two runs' in-doubt rows with the same message both stay in doubt: neither takes the other's, nothing is sent a third time", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const list = fx.file("m.csv", "to,body\n+12025550100,hello\n");
    expect((await sendList(fx, sim, list)).code).toBe(3);
    expect((await sendList(fx, sim, list, ["--new-run"])).code).toBe(3);
    sim.setOptions({ dropRate: 0 });
    expect(sim.messages()).toHaveLength(2);
    await reconcile(sim, ["--run", "1"]);
    const second = await reconcile(sim, ["--run", "2"]);
    expect(second.stdout).toMatch(/could be this row's or another in-doubt row's/);
    const rows = await apiRows(fx.journalPath());
    expect(rows.map((r) => r.state)).toEqual(["in_doubt", "in_doubt"]);
    expect(rows.map((r) => r.sid)).toEqual([null, null]);
    // Neither went back to pending, so resuming the latest run sends nothing.
    await sendList(fx, sim, list);
    expect(sim.messages()).toHaveLength(2);
  });

  it("a call another run's crashed attempt may have placed is not adopted: the row stays in doubt", async () => {
    const sim = await fx.simulator({ resetRate: 1 });
    const a = fx.file("a.csv", "to,url\n+12025550101,https://example.com/a\n");
    const b = fx.file("b.csv", "to,url\n+12025550101,https://example.com/b\n");
    expect((await sendList(fx, sim, a, ["--api", "calls"])).code).toBe(3);
    expect(sim.calls()).toHaveLength(0);
    sim.setOptions({ resetRate: 0, dropRate: 1 });
    expect((await sendList(fx, sim, b, ["--api", "calls", "--new-run"])).code).toBe(3);
    sim.setOptions({ dropRate: 0 });
    expect(sim.calls()).toHaveLength(1);
    await crashMidRequest(fx, 2);
    const first = await reconcile(sim, ["--run", "1"]);
    expect(first.stdout).toMatch(/could be this row's or another in-doubt row's/);
    expect((await apiRows(fx.journalPath())).map((r) => [r.state, r.sid])).toEqual([
      ["in_doubt", null],
      ["pending", null],
    ]);
  });

  it("a message another run's crashed attempt may have sent is not adopted: the row stays in doubt", async () => {
    const sim = await fx.simulator({ resetRate: 1 });
    const list = fx.file("m.csv", "to,body\n+12025550100,hello\n");
    expect((await sendList(fx, sim, list)).code).toBe(3);
    sim.setOptions({ resetRate: 0, dropRate: 1 });
    expect((await sendList(fx, sim, list, ["--new-run"])).code).toBe(3);
    sim.setOptions({ dropRate: 0 });
    expect(sim.messages()).toHaveLength(1);
    await crashMidRequest(fx, 2);
    await reconcile(sim, ["--run", "1"]);
    expect((await apiRows(fx.journalPath())).map((r) => [r.state, r.sid])).toEqual([
      ["in_doubt", null],
      ["pending", null],
    ]);
  });
});

describe("reconcile and rows to one number", () => {
  it("decides rows to one number together wherever they are in the file: each takes its own message", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const lines = ["to,body", "+12025550100,hello"];
    // More in-doubt rows between them than reconcile reads at once.
    for (let i = 1; i <= 250; i++) lines.push(`+1202555${String(1000 + i)},hi ${i}`);
    lines.push("+12025550100,hello");
    const list = fx.file("m.csv", `${lines.join("\n")}\n`);
    expect((await sendList(fx, sim, list, ["--allow-duplicates"])).code).toBe(3);
    sim.setOptions({ dropRate: 0 });
    const done = await reconcile(sim, []);
    expect(done.stdout).not.toMatch(/duplicate/i);
    const rows = await apiRows(fx.journalPath());
    const twice = [rows[0]!, rows.at(-1)!];
    expect(twice.map((r) => r.state)).toEqual(["sent", "sent"]);
    const sids = sim
      .messages()
      .filter((m) => m.to === "+12025550100")
      .map((m) => m.sid);
    expect(new Set(twice.map((r) => r.sid))).toEqual(new Set(sids));
    expect(rows.filter((r) => r.state !== "sent")).toEqual([]);
  });

  it("finds a Content template's message, which Twilio lists with the rendered text", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const list = fx.file(
      "wa.csv",
      `to,from,content_sid,content_variables\nwhatsapp:+12025550101,whatsapp:+15005550006,HX${"c".repeat(32)},"{""1"":""Ada""}"\n`,
    );
    expect((await sendList(fx, sim, list)).code).toBe(3);
    sim.setOptions({ dropRate: 0 });
    await reconcile(sim, []);
    const [row] = await apiRows(fx.journalPath());
    expect([row?.state, row?.sid]).toEqual(["sent", sim.messages()[0]?.sid]);
    await sendList(fx, sim, list);
    expect(sim.messages()).toHaveLength(1);
  });
});

describe("reconcile and the attempt's window", () => {
  it("searches to the attempt's recorded end when it outlasted reconcile's --timeout (a send with a longer one)", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const list = fx.file("m.csv", "to,body\n+12025550100,hello\n");
    expect((await sendList(fx, sim, list)).code).toBe(3);
    sim.setOptions({ dropRate: 0 });
    // As if the request had started ten minutes before Twilio created the message.
    await changeJournal(
      fx.journalPath(),
      "UPDATE attempts SET started_at = started_at - 600000, finished_at = started_at + 2000",
    );
    await reconcile(sim, []);
    const [row] = await apiRows(fx.journalPath());
    expect([row?.state, row?.sid]).toEqual(["sent", sim.messages()[0]?.sid]);
  });
});
