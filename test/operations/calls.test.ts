import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/runCli.js";
import { useSendFixture } from "../support/simulatorFixture.js";
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
    const rows = apiRows(fx.journalPath());
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
    expect(apiRows(fx.journalPath()).filter((r) => r.state === "pending").length).toBeGreaterThan(
      0,
    );
  });

  it("an answer lost after Twilio placed the call is in doubt; reconcile finds it by To and From", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const sent = await sendList(fx, sim, list("+12025550101", "+12025550102"), ["--api", "calls"]);
    expect(sent.code).toBe(3);
    expect(apiRows(fx.journalPath()).map((r) => r.state)).toEqual(["in_doubt", "in_doubt"]);
    sim.setOptions({ dropRate: 0 });

    const reconciled = await runInProcess(["reconcile", "--rate", "1000", "--api-url", sim.url], {
      env: fx.env(sim),
    });
    expect(reconciled.code, reconciled.stderr).toBe(0);
    const rows = apiRows(fx.journalPath());
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
    expect(apiRows(fx.journalPath()).map((r) => r.state)).toEqual(["pending"]);
    expect((await sendList(fx, sim, file, ["--api", "calls"])).code).toBe(0);
    expect(sim.calls()).toHaveLength(1);
  });
});
