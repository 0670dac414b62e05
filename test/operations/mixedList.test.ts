import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/runCli.js";
import { useSendFixture } from "../support/simulatorFixture.js";
import { apiRows, sendList } from "./apiFixture.js";

// One list, one row per API, through the real pipeline and the simulator over HTTP.

const fx = useSendFixture();

const LIST = [
  "api,to,body,url,fields,channel,first_name",
  "messages,+12025550101,hello,,,,Ada",
  "calls,+12025550102,,https://example.com/twiml,,,Grace",
  "LOOKUP,+12025550103,,,line_type_intelligence,,Alan",
  "verify,+12025550104,,,,sms,Katherine",
  "studio,+12025550105,,,,,Edsger",
].join("\n");

describe("a list with one row per API", () => {
  it("sends every row through its API, journals each answer and reports them by API", async () => {
    const sim = await fx.simulator();
    const list = fx.file("mixed.csv", `${LIST}\n`);
    const sent = await sendList(fx, sim, list);
    expect(sent.stderr).toBe("");
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain("by API: messages 1, calls 1, lookup 1, verify 1, studio 1");

    const journaled = await apiRows(fx.journalPath());
    expect(journaled.map((r) => [r.api, r.state])).toEqual([
      ["messages", "sent"],
      ["calls", "sent"],
      ["lookup", "sent"],
      ["verify", "sent"],
      ["studio", "sent"],
    ]);
    expect(journaled.map((r) => r.sid?.slice(0, 2) ?? null)).toEqual([
      "SM",
      "CA",
      null,
      "VE",
      "FN",
    ]);
    expect(JSON.parse(journaled[2]!.result_json!)).toMatchObject({ valid: true });
    expect(sim.messages()).toHaveLength(1);
    expect(sim.calls()).toHaveLength(1);
    expect(sim.verifications()).toHaveLength(1);
    expect(sim.executions()).toHaveLength(1);
    // No parameters column: the row's other columns are the flow's data.
    expect(sim.executions()[0]!.parameters).toEqual({ first_name: "Edsger" });

    const report = await runInProcess(["report", "--format", "json"], { env: fx.env(sim) });
    expect(report.code).toBe(0);
    const summary = JSON.parse(report.stdout) as {
      counts: Record<string, number>;
      byApi: Record<string, { counts: Record<string, number> }>;
    };
    expect(summary.counts.sent).toBe(5);
    for (const api of ["messages", "calls", "lookup", "verify", "studio"]) {
      expect(summary.byApi[api]?.counts.sent).toBe(1);
    }

    const table = await runInProcess(["report"], { env: fx.env(sim) });
    expect(table.stdout).toContain("  calls     1 sent\n");
    expect(table.stdout).toContain("  lookup    1 sent\n");

    const listed = await runInProcess(["report", "--rows", "--format", "json"], {
      env: fx.env(sim),
    });
    const reported = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(reported.map((r) => r.tb_api)).toEqual([
      "messages",
      "calls",
      "lookup",
      "verify",
      "studio",
    ]);
    expect(reported[2]).toMatchObject({ tb_valid: true, tb_line_type: "mobile" });
    expect(reported[0]).toMatchObject({ tb_valid: null, tb_line_type: null });
    expect(reported[1]).toMatchObject({ tb_call_status: "queued" });

    // Delivery reports are the messages' alone: status asks about the one message only.
    const status = await runInProcess(["status", "--json", "--api-url", sim.url], {
      env: fx.env(sim),
    });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ checked: 1 });
  });
});

describe("the API options", () => {
  it.each([
    [["--api", "fax"], "`--api` must be one of messages, calls, lookup, verify, studio, got `fax`"],
    [
      ["--flow-sid", "FW123"],
      "`--flow-sid` must be FW followed by 32 hexadecimal digits, got `FW123`",
    ],
    [
      ["--channel", "pigeon"],
      "`--channel` must be one of sms, call, email, whatsapp, got `pigeon`",
    ],
  ])("%j is a usage error (exit 64)", async (args, message) => {
    const list = fx.file("list.csv", "to\n+12025550101\n");
    const result = await runInProcess(["send", list, ...args, "--dry-run"], { env: {} });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(message);
  });

  it("are listed in send --help with each API's summary and rate", async () => {
    const help = await runInProcess(["send", "--help"], { env: {} });
    expect(help.code).toBe(0);
    for (const flag of ["--api <api>", "--flow-sid <sid>", "--suppress-landlines", "--url <url>"]) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toContain("Twilio accepts at most 20 Studio REST executions per second");
    const oneLine = help.stdout.replace(/\s+/g, " ");
    expect(oneLine).toContain(
      "requests started per second, whatever their API (decimals allowed); Twilio's own limits: calls 1/s, studio 20/s by default",
    );
    expect(oneLine).toContain("messages and calls: where Twilio reports status");
  });

  it("reconcile --help names the APIs it searches, from the operations", async () => {
    const help = await runInProcess(["reconcile", "--help"], { env: {} });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("APIs it searches: messages, calls, studio.");
    expect(help.stdout).toContain("verify: Twilio cannot list verifications");
  });
});
