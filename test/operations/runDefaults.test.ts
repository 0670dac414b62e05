import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/runCli.js";
import { FROM, useSendFixture } from "../support/simulatorFixture.js";
import { apiRows, FLOW, sendList } from "./apiFixture.js";

// What one row's answer says about the others: a flow or service of the run's own that Twilio
// does not find stops the run; a row's own one fails that row. Verify's per-number blocks fail
// the row at once. The simulator does not find `FW`/`VA` followed by 32 zeros.

const fx = useSendFixture();
const UNKNOWN_FLOW = `FW${"0".repeat(32)}`;
const UNKNOWN_SERVICE = `VA${"0".repeat(32)}`;

const csv = (header: string, ...rows: string[]) =>
  fx.file("list.csv", `${header}\n${rows.join("\n")}\n`);

describe("a sid Twilio does not find (20404)", () => {
  it("studio: a row's own flow_sid fails that row only; the rest are sent", async () => {
    const sim = await fx.simulator();
    const file = csv("to,flow_sid", `+12025550101,${UNKNOWN_FLOW}`, "+12025550102,");
    const sent = await sendList(fx, sim, file, ["--api", "studio"]);
    expect(sent.code, sent.stderr).toBe(1);
    expect((await apiRows(fx.journalPath())).map((r) => [r.state, r.error_code])).toEqual([
      ["failed", 20404],
      ["sent", null],
    ]);
    expect(sim.executions().map((e) => e.flowSid)).toEqual([FLOW]);
  });

  it("studio: the run's --flow-sid not found stops the run (exit 78)", async () => {
    const sim = await fx.simulator();
    const file = csv("to", "+12025550101", "+12025550102");
    const sent = await sendList(fx, sim, file, ["--api", "studio", "--flow-sid", UNKNOWN_FLOW]);
    expect(sent.code).toBe(78);
    expect(sent.stderr).toContain("20404");
  });

  it("verify: a row's own verify_service_sid fails that row only; the run's own, in any case, is the run's", async () => {
    const sim = await fx.simulator();
    const file = csv(
      "to,verify_service_sid",
      `+12025550101,${UNKNOWN_SERVICE}`,
      `+12025550102,VA${"B".repeat(32)}`,
      "+12025550103,",
    );
    const sent = await sendList(fx, sim, file, ["--api", "verify", "--channel", "sms"]);
    expect(sent.code, sent.stderr).toBe(1);
    expect((await apiRows(fx.journalPath())).map((r) => [r.state, r.error_code])).toEqual([
      ["failed", 20404],
      ["sent", null],
      ["sent", null],
    ]);
  });

  it("verify: the run's --verify-service-sid not found stops the run (exit 78)", async () => {
    const sim = await fx.simulator();
    const file = csv("to", "+12025550101", "+12025550102");
    const sent = await sendList(fx, sim, file, [
      "--api",
      "verify",
      "--channel",
      "sms",
      "--verify-service-sid",
      UNKNOWN_SERVICE,
    ]);
    expect(sent.code).toBe(78);
    expect((await apiRows(fx.journalPath())).some((r) => r.state === "pending")).toBe(true);
  });
});

describe("Verify's per-number blocks", () => {
  it("60203 (max send attempts) fails the row at its first answer, with what to do; no attempt is wasted", async () => {
    const sim = await fx.simulator();
    const file = csv("to", ...Array.from({ length: 6 }, () => "+12025550101"));
    const sent = await sendList(fx, sim, file, [
      "--api",
      "verify",
      "--channel",
      "sms",
      "--allow-duplicates",
      "--concurrency",
      "1",
      "--max-attempts",
      "3",
    ]);
    expect(sent.code).toBe(1);
    const rows = await apiRows(fx.journalPath());
    expect(rows.slice(0, 5).map((r) => r.state)).toEqual(Array(5).fill("sent"));
    expect([rows[5]?.state, rows[5]?.error_code, rows[5]?.attempts]).toEqual(["failed", 60203, 1]);
    expect(sim.creates()).toHaveLength(6);

    const report = await runInProcess(["report", "--format", "json"], { env: fx.env(sim) });
    const { byApi } = JSON.parse(report.stdout) as {
      byApi: Record<string, { errors: { code: number; action: string }[] }>;
    };
    expect(byApi.verify?.errors).toMatchObject([
      { code: 60203, action: "wait 10 minutes, then `twilio-bulk retry --code 60203`" },
    ]);
  });
});

describe("--suppress-landlines", () => {
  it("asks for line_type_intelligence itself, also for a row with a fields column of its own", async () => {
    const sim = await fx.simulator();
    const file = csv("to,fields", "+15005550009,", "+15005550009,caller_name", "+12025550101,");
    const sent = await sendList(fx, sim, file, [
      "--api",
      "lookup",
      "--suppress-landlines",
      "--allow-duplicates",
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    const results = (await apiRows(fx.journalPath())).map((r) =>
      JSON.parse(r.result_json ?? "null"),
    );
    expect(results.map((r) => r.lineType)).toEqual(["landline", "landline", "mobile"]);
    const suppressed = await runInProcess(["suppress", "list", "--json"], { env: fx.env(sim) });
    expect((JSON.parse(suppressed.stdout) as { number: string }[]).map((s) => s.number)).toEqual([
      "+15005550009",
    ]);
  });
});

describe("run options an API does not know", () => {
  it("--fields with an unknown package is one usage error naming it and the packages", async () => {
    const sim = await fx.simulator();
    const file = csv("to", "+12025550101");
    const sent = await sendList(fx, sim, file, ["--api", "lookup", "--fields", "carrier"]);
    expect(sent.code).toBe(64);
    expect(sent.stderr).toContain(
      "`--fields`: `carrier` is not a Lookup data package (validation, caller_name,",
    );
    expect(sim.creates()).toHaveLength(0);
  });

  it("--status-callback-url is the StatusCallback of calls without a status_callback column", async () => {
    const sim = await fx.simulator();
    const file = csv(
      "to,url,status_callback",
      "+12025550101,https://example.com/t,",
      "+12025550102,https://example.com/t,https://own.example/cb",
    );
    const sent = await runInProcess(
      [
        "send",
        file,
        "--api",
        "calls",
        "--from",
        FROM,
        "--status-callback-url",
        "https://hooks.example/status",
        "--rate",
        "1000",
        "--api-url",
        sim.url,
      ],
      { env: fx.env(sim) },
    );
    expect(sent.code, sent.stderr).toBe(0);
    expect(
      sim
        .calls()
        .map((c) => [c.to, c.statusCallback])
        .sort(),
    ).toEqual([
      ["+12025550101", "https://hooks.example/status"],
      ["+12025550102", "https://own.example/cb"],
    ]);
  });
});
