import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runInProcess } from "../support/runCli.js";
import { changeJournal, FROM, useSendFixture } from "../support/simulatorFixture.js";
import { apiRows, sendList } from "./apiFixture.js";

// Calls through the real pipeline and the simulator: each outcome class, in doubt, reconcile.

const fx = useSendFixture();
const CALL = /^CA[0-9a-f]{32}$/;

const list = (...rows: string[]) =>
  fx.file("calls.csv", `to,url\n${rows.map((to) => `${to},https://example.com/t`).join("\n")}\n`);

describe("calls", () => {
  it("a 201 makes the row sent with the call's sid and status; a refused To fails only its row", async () => {
    const sim = await fx.simulator();
    const sent = await sendList(fx, sim, list("+12025550101", "+15005550002"), ["--api", "calls"]);
    expect(sent.code).toBe(1);
    const rows = await apiRows(fx.journalPath());
    expect(rows.map((r) => [r.api, r.state, r.error_code])).toEqual([
      ["calls", "sent", null],
      ["calls", "failed", 21214],
    ]);
    expect(rows[0]!.sid).toMatch(CALL);
    expect(rows[0]!.twilio_status).toBe("queued");
    expect(sim.calls().map((c) => c.sid)).toEqual([rows[0]!.sid]);
  });

  it("an unusable From stops the run (exit 78): every row would fail alike", async () => {
    const sim = await fx.simulator();
    const file = list("+12025550101", "+12025550102", "+12025550103");
    const sent = await runInProcess(
      [
        "send",
        file,
        "--api",
        "calls",
        "--from",
        "+15005550001",
        "--rate",
        "1",
        "--api-url",
        sim.url,
      ],
      { env: fx.env(sim) },
    );
    expect(sent.code).toBe(78);
    expect(sent.stderr).toContain("21212");
    expect(
      (await apiRows(fx.journalPath())).filter((r) => r.state === "pending").length,
    ).toBeGreaterThan(0);
  });

  it("an answer lost after Twilio placed the call is in doubt; reconcile finds it by To and From", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const sent = await sendList(fx, sim, list("+12025550101", "+12025550102"), ["--api", "calls"]);
    expect(sent.code).toBe(3);
    expect((await apiRows(fx.journalPath())).map((r) => r.state)).toEqual(["in_doubt", "in_doubt"]);
    sim.setOptions({ dropRate: 0 });

    const reconciled = await runInProcess(["reconcile", "--rate", "1000", "--api-url", sim.url], {
      env: fx.env(sim),
    });
    expect(reconciled.code, reconciled.stderr).toBe(0);
    const rows = await apiRows(fx.journalPath());
    expect(rows.map((r) => r.state)).toEqual(["sent", "sent"]);
    expect(rows.map((r) => r.sid).sort()).toEqual(
      sim
        .calls()
        .map((c) => c.sid)
        .sort(),
    );
  });

  it("a reset before Twilio read the request goes back to pending after --grace, and is sent then", async () => {
    const sim = await fx.simulator({ resetRate: 1 });
    const file = list("+12025550101");
    expect((await sendList(fx, sim, file, ["--api", "calls"])).code).toBe(3);
    sim.setOptions({ resetRate: 0 });
    const reconciled = await runInProcess(
      ["reconcile", "--grace", "0s", "--rate", "1000", "--api-url", sim.url],
      { env: fx.env(sim) },
    );
    expect(reconciled.stdout).toContain("not found, pending again        1");
    expect((await apiRows(fx.journalPath())).map((r) => r.state)).toEqual(["pending"]);
    expect((await sendList(fx, sim, file, ["--api", "calls"])).code).toBe(0);
    expect(sim.calls()).toHaveLength(1);
  });

  it("two rows to one number with different URLs, both answers lost: both stay in doubt, and no call is placed again", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const file = fx.file(
      "calls.csv",
      "to,url\n+12025550101,https://example.com/a\n+12025550101,https://example.com/b\n",
    );
    expect((await sendList(fx, sim, file, ["--api", "calls"])).code).toBe(3);
    expect(sim.calls()).toHaveLength(2);
    sim.setOptions({ dropRate: 0 });

    const reconciled = await reconcile(sim, ["--grace", "0s"]);
    expect(reconciled.code, reconciled.stderr).toBe(3);
    expect(reconciled.stdout).toContain("cannot tell them apart");
    const rows = await apiRows(fx.journalPath());
    expect(rows.map((r) => r.state)).toEqual(["in_doubt", "in_doubt"]);
    expect(rows.map((r) => r.sid)).toEqual([null, null]);

    // Nothing went back to pending, so sending the list again places no third call.
    await sendList(fx, sim, file, ["--api", "calls"]);
    expect(sim.calls()).toHaveLength(2);
  });

  it("never adopts another run's call to the same number", async () => {
    const sim = await fx.simulator();
    const file = list("+12025550101");
    expect((await sendList(fx, sim, file, ["--api", "calls"])).code).toBe(0);
    const [earlier] = sim.calls();
    sim.setOptions({ dropRate: 1 });
    expect((await sendList(fx, sim, file, ["--api", "calls", "--new-run"])).code).toBe(3);
    sim.setOptions({ dropRate: 0 });
    const own = sim.calls().find((c) => c.sid !== earlier!.sid);

    const reconciled = await reconcile(sim);
    expect(reconciled.code, reconciled.stderr).toBe(0);
    const rows = await apiRows(fx.journalPath());
    expect(rows.map((r) => [r.state, r.sid])).toEqual([
      ["sent", earlier!.sid],
      ["sent", own!.sid],
    ]);
    expect(reconciled.stdout).not.toContain("duplicate");
  });

  it("a call another run's in-doubt row could own keeps both rows in doubt: neither is called again", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const file = list("+12025550101");
    expect((await sendList(fx, sim, file, ["--api", "calls"])).code).toBe(3);
    expect((await sendList(fx, sim, file, ["--api", "calls", "--new-run"])).code).toBe(3);
    sim.setOptions({ dropRate: 0 });
    expect(sim.calls()).toHaveLength(2);

    for (const run of ["2", "1"]) {
      const reconciled = await reconcile(sim, ["--grace", "0s", "--run", run]);
      expect(reconciled.code, reconciled.stdout).toBe(3);
      expect(reconciled.stdout).toContain("cannot tell them apart");
    }
    expect((await apiRows(fx.journalPath())).map((r) => r.state)).toEqual(["in_doubt", "in_doubt"]);
    await sendList(fx, sim, file, ["--api", "calls"]);
    expect(sim.calls()).toHaveLength(2);
  });

  it("never adopts a call made after the attempt could have ended (its timeout, plus the clock skew)", async () => {
    const sim = await fx.simulator({ resetRate: 1 });
    const file = list("+12025550101");
    expect((await sendList(fx, sim, file, ["--api", "calls"])).code).toBe(3);
    sim.setOptions({ resetRate: 0 });
    // The attempt was an hour ago; someone else calls the number from the sender now.
    await changeJournal(
      fx.journalPath(),
      "UPDATE attempts SET started_at = started_at - 3600000, finished_at = finished_at - 3600000",
    );
    const placed = await fetch(`${sim.url}/2010-04-01/Accounts/${sim.accountSid}/Calls.json`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ To: "+12025550101", From: FROM, Url: "https://example.com/t" }),
    });
    expect(placed.status).toBe(201);

    const reconciled = await reconcile(sim, ["--grace", "0s"]);
    expect(reconciled.stdout, reconciled.stderr).toContain("not found, pending again        1");
    expect((await apiRows(fx.journalPath()))[0]!.state).toBe("pending");
  });
});

function reconcile(sim: RunningSimulator, extra: readonly string[] = []) {
  return runInProcess(["reconcile", "--rate", "1000", "--api-url", sim.url, ...extra], {
    env: fx.env(sim),
  });
}
