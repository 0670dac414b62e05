import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runInProcess } from "../support/runCli.js";
import { FROM, queryJournal, useSendFixture } from "../support/simulatorFixture.js";

// `status` fetches each sent message from the simulator, which finalises messages on demand:
// by default To ending 0003 → undelivered 30003, 0006 → undelivered 30006, 0007 → failed 30007.

const fx = useSendFixture();

function cli(sim: RunningSimulator, args: string[]) {
  return runInProcess([...args, "--api-url", sim.url], { env: fx.env(sim) });
}

interface StatusJson {
  checked: number;
  statuses: Record<string, number>;
  suppressed: number;
  notFound: number;
  refused: number;
  unchecked: number;
  delivery: Record<string, number>;
  exitCode: number;
}

async function status(sim: RunningSimulator, extra: string[] = []): Promise<StatusJson> {
  const result = await cli(sim, ["status", "--json", "--rate", "1000", ...extra]);
  expect(result.stderr).not.toMatch(/internal error/);
  return JSON.parse(result.stdout) as StatusJson;
}

function deliveryColumns(path: string) {
  return queryJournal<{
    to_number: string;
    delivery_status: string | null;
    delivery_error_code: number | null;
    delivery_checked_at: number | null;
  }>(
    path,
    "SELECT to_number, delivery_status, delivery_error_code, delivery_checked_at FROM rows ORDER BY idx",
  );
}

const LIST = "to,body\n+12025550100,a\n+12025550003,b\n+12025550006,c\n+12025550007,d\n";

describe("status", () => {
  it("moves sent rows to delivered, undelivered or failed with their error codes, once", async () => {
    const sim = await fx.simulator();
    await cli(sim, ["send", fx.file("list.csv", LIST), "--from", FROM, "--rate", "1000"]);

    // Not final yet: recorded, and asked about again next time.
    const early = await status(sim);
    expect(early).toMatchObject({ checked: 4, statuses: { queued: 4 }, exitCode: 0 });

    expect(sim.finalize()).toBe(4);
    const final = await status(sim);
    expect(final).toMatchObject({
      checked: 4,
      statuses: { delivered: 1, undelivered: 2, failed: 1 },
      suppressed: 1,
      notFound: 0,
      unchecked: 0,
      delivery: { delivered: 1, undelivered: 2, failed: 1 },
      exitCode: 0,
    });
    expect(
      (await deliveryColumns(fx.journalPath())).map((r) => [
        r.to_number,
        r.delivery_status,
        r.delivery_error_code,
      ]),
    ).toEqual([
      ["+12025550100", "delivered", null],
      ["+12025550003", "undelivered", 30003],
      ["+12025550006", "undelivered", 30006],
      ["+12025550007", "failed", 30007],
    ]);
    for (const row of await deliveryColumns(fx.journalPath())) {
      expect(row.delivery_checked_at).toBeGreaterThan(0);
    }

    // Safe to repeat from cron: final messages are not fetched again.
    const again = await status(sim);
    expect(again).toMatchObject({ checked: 0, exitCode: 0, delivery: final.delivery });
    const text = await cli(sim, ["status"]);
    expect(text.stdout).toMatch(/nothing to check/);
  });

  it("suppresses a landline (30006), so the next send skips it, and the report shows delivery", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", LIST);
    await cli(sim, ["send", list, "--from", FROM, "--rate", "1000"]);
    sim.finalize();
    await status(sim);

    const suppressed = await runInProcess(["suppress", "list", "--json"], { env: fx.env(sim) });
    expect(JSON.parse(suppressed.stdout)).toEqual([
      expect.objectContaining({ number: "+12025550006", code: 30006, runId: 1 }),
    ]);

    const report = await runInProcess(["report", "--format", "json"], { env: fx.env(sim) });
    const summary = JSON.parse(report.stdout) as {
      delivery: Record<string, number>;
      errors: { code: number; stage: string; state: string; count: number; action: string }[];
    };
    expect(summary.delivery).toEqual({ undelivered: 2, delivered: 1, failed: 1 });
    expect(summary.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 30003, stage: "delivery", state: "undelivered", count: 1 }),
        expect.objectContaining({ code: 30006, stage: "delivery", state: "undelivered", count: 1 }),
        expect.objectContaining({ code: 30007, stage: "delivery", state: "failed", count: 1 }),
      ]),
    );

    const creates = sim.creates().length;
    const second = await cli(sim, ["send", list, "--from", FROM, "--rate", "1000", "--new-run"]);
    expect(second.stdout).toMatch(/1 suppressed/);
    // Sorted: requests in flight together reach the simulator in either order.
    expect(
      sim
        .creates()
        .slice(creates)
        .map((c) => c.to)
        .sort(),
    ).toEqual(["+12025550003", "+12025550007", "+12025550100"]);
  });

  it("leaves messages Twilio does not know unchecked, and says so", async () => {
    const sim = await fx.simulator();
    await cli(sim, ["send", fx.file("list.csv", LIST), "--from", FROM, "--rate", "1000"]);
    // Another Twilio (say, another account's) has never seen these SIDs: 404 for each.
    const other = await fx.simulator();
    const result = await runInProcess(["status", "--json", "--api-url", other.url], {
      env: fx.env(sim),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ checked: 0, notFound: 4, unchecked: 0 });
    expect((await deliveryColumns(fx.journalPath())).every((r) => r.delivery_status === null)).toBe(
      true,
    );
  });

  it("reports messages Twilio refuses to look up (400), and does not ask cron to come back (exit 0)", async () => {
    const sim = await fx.simulator();
    await cli(sim, ["send", fx.file("list.csv", LIST), "--from", FROM, "--rate", "1000"]);
    // A Twilio that answers every lookup 400: asking again would get the same answer.
    const refusing = createServer((_request, response) => {
      response.writeHead(400, { "content-type": "application/json" });
      response.end(JSON.stringify({ code: 20001, message: "Invalid parameter", status: 400 }));
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
      const args = ["status", "--rate", "1000", "--api-url", url];
      const json = await runInProcess([...args, "--json"], { env: fx.env(sim) });
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        checked: 0,
        notFound: 0,
        refused: 4,
        unchecked: 0,
        exitCode: 0,
      });
      const text = await runInProcess(args, { env: fx.env(sim) });
      expect(text.code).toBe(0);
      expect(text.stdout).toContain("4 messages could not be looked up: Twilio refused");
      expect(text.stdout).not.toMatch(/run the command again later|nothing to check/);
    } finally {
      refusing.closeAllConnections();
      await new Promise((resolve) => refusing.close(resolve));
    }
    expect((await deliveryColumns(fx.journalPath())).every((r) => r.delivery_status === null)).toBe(
      true,
    );
  });
});
