import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/runCli.js";
import { useSendFixture } from "../support/simulatorFixture.js";
import { apiRows, FLOW, sendList } from "./apiFixture.js";

const fx = useSendFixture();

const numbers = (header: string, ...rows: string[]) =>
  fx.file("list.csv", `${header}\n${rows.join("\n")}\n`);

function reconcile(url: string, env: Record<string, string>) {
  return runInProcess(["reconcile", "--rate", "1000", "--api-url", url], { env });
}

describe("verify", () => {
  it("a 201 is sent with the verification's sid; a landline on sms fails with 60205", async () => {
    const sim = await fx.simulator();
    const file = numbers("to", "+12025550101", "+15005550009");
    const sent = await sendList(fx, sim, file, ["--api", "verify", "--channel", "sms"]);
    expect(sent.code).toBe(1);
    const rows = await apiRows(fx.journalPath());
    expect(rows.map((r) => [r.api, r.state, r.twilio_status, r.error_code])).toEqual([
      ["verify", "sent", "pending", null],
      ["verify", "failed", null, 60205],
    ]);
    expect(rows[0]?.sid).toMatch(/^VE[0-9a-f]{32}$/);
  });

  it("in doubt stays in doubt at reconcile (Twilio cannot list verifications); retry --state in_doubt sends it on purpose, with a warning", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const file = numbers("to", "+12025550101");
    expect((await sendList(fx, sim, file, ["--api", "verify", "--channel", "sms"])).code).toBe(3);
    sim.setOptions({ dropRate: 0 });

    const reconciled = await reconcile(sim.url, fx.env(sim));
    expect(reconciled.code).toBe(3);
    expect(reconciled.stdout).toContain("Twilio cannot list verifications");
    expect((await apiRows(fx.journalPath()))[0]?.state).toBe("in_doubt");
    const report = await runInProcess(["report", "--format", "json"], { env: fx.env(sim) });
    const { byApi } = JSON.parse(report.stdout) as {
      byApi: Record<string, { errors: { state: string; action: string }[] }>;
    };
    expect(byApi.verify?.errors).toMatchObject([
      { state: "in_doubt", action: expect.stringContaining("retry --state in_doubt") },
    ]);

    const plain = await runInProcess(
      ["retry", "--state", "failed", "--rate", "1000", "--api-url", sim.url],
      { env: fx.env(sim) },
    );
    expect(plain.code).toBe(0);
    expect(sim.verifications()).toHaveLength(1);

    const dry = await runInProcess(["retry", "--state", "in_doubt", "--dry-run"], {
      env: fx.env(sim),
    });
    expect(dry.stderr).toContain("would send 1 in-doubt row again on purpose");
    expect(sim.verifications()).toHaveLength(1);

    const retried = await runInProcess(
      ["retry", "--state", "in_doubt", "--rate", "1000", "--api-url", sim.url],
      { env: fx.env(sim) },
    );
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stderr).toContain("may get a duplicate");
    expect((await apiRows(fx.journalPath()))[0]?.state).toBe("sent");
    expect(sim.verifications()).toHaveLength(2);
  });
});

describe("studio", () => {
  it("starts the flow with the row's other columns as its data, or its parameters column", async () => {
    const sim = await fx.simulator();
    const file = numbers(
      "to,first_name,parameters",
      "+12025550101,Ada,",
      '+12025550102,Grace,"{""plan"":""gold""}"',
    );
    const sent = await sendList(fx, sim, file, ["--api", "studio"]);
    expect(sent.code, sent.stderr).toBe(0);
    const executions = sim
      .executions()
      .map((e) => [e.flowSid, e.contactChannelAddress, e.parameters] as const)
      // Concurrent requests reach the simulator in any order.
      .sort((a, b) => a[1].localeCompare(b[1]));
    expect(executions).toEqual([
      [FLOW, "+12025550101", { first_name: "Ada" }],
      [FLOW, "+12025550102", { plan: "gold" }],
    ]);
    const rows = await apiRows(fx.journalPath());
    expect(rows.map((r) => [r.state, r.twilio_status])).toEqual([
      ["sent", "active"],
      ["sent", "active"],
    ]);
    expect(rows[0]?.sid).toMatch(/^FN[0-9a-f]{32}$/);
  });

  it("an execution whose answer was lost is in doubt; reconcile finds it in the flow's executions", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const file = numbers("to", "+12025550101", "+12025550102");
    expect((await sendList(fx, sim, file, ["--api", "studio"])).code).toBe(3);
    sim.setOptions({ dropRate: 0 });
    const reconciled = await reconcile(sim.url, fx.env(sim));
    expect(reconciled.code, reconciled.stderr).toBe(0);
    const rows = await apiRows(fx.journalPath());
    expect(rows.map((r) => r.state)).toEqual(["sent", "sent"]);
    expect(rows.map((r) => r.sid).sort()).toEqual(
      sim
        .executions()
        .map((e) => e.sid)
        .sort(),
    );
  });

  it("finds an execution behind more than one page of the flow's other executions", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const file = numbers("to", "+12025550101");
    expect((await sendList(fx, sim, file, ["--api", "studio"])).code).toBe(3);
    const [own] = sim.executions();
    // Other traffic on the flow since: 1,100 executions for other contacts, newer than the row's.
    sim.setOptions({ dropRate: 0, studioMps: 1_000_000 });
    const auth = `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString("base64")}`;
    for (let batch = 0; batch < 22; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const answer = await fetch(`${sim.url}/v2/Flows/${FLOW}/Executions`, {
            method: "POST",
            headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
              To: `+1202555${String(2000 + batch * 50 + i).padStart(4, "0")}`,
              From: "+15005550006",
            }),
          });
          expect(answer.status).toBe(201);
        }),
      );
    }

    const reconciled = await reconcile(sim.url, fx.env(sim));
    expect(reconciled.code, reconciled.stdout).toBe(0);
    expect((await apiRows(fx.journalPath())).map((r) => [r.state, r.sid])).toEqual([
      ["sent", own!.sid],
    ]);
  });

  it("says in the plan that Twilio caps Studio at 20/s when --rate is above it", async () => {
    const sim = await fx.simulator();
    const file = numbers("to", "+12025550101");
    const planned = await sendList(fx, sim, file, ["--api", "studio", "--dry-run"]);
    expect(planned.stdout).toContain("Note (studio): --rate 1000 is above 20/s");
  });
});
