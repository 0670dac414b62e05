import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/runCli.js";
import { FROM, useSendFixture } from "../support/simulatorFixture.js";
import { apiRows, sendList } from "./apiFixture.js";

// Lookup reads only: its answer is kept in the journal, and an unknown outcome is asked again
// instead of being in doubt.

const fx = useSendFixture();

const list = (...numbers: string[]) => fx.file("numbers.csv", `to\n${numbers.join("\n")}\n`);

describe("lookup", () => {
  it("keeps validity, line type and carrier; --suppress-landlines suppresses landlines and invalid numbers", async () => {
    const sim = await fx.simulator();
    const file = list("+12025550101", "+15005550009", "+15005550001");
    const sent = await sendList(fx, sim, file, [
      "--api",
      "lookup",
      "--fields",
      "line_type_intelligence",
      "--suppress-landlines",
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    const rows = await apiRows(fx.journalPath());
    expect(rows.map((r) => [r.state, r.sid, r.twilio_status])).toEqual([
      ["sent", null, "valid"],
      ["sent", null, "valid"],
      ["sent", null, "invalid"],
    ]);
    const results = rows.map((r) => JSON.parse(r.result_json ?? "null"));
    expect(results[0]).toMatchObject({ valid: true, lineType: "mobile" });
    expect(results[1]).toMatchObject({ valid: true, lineType: "landline" });
    expect(results[2]).toMatchObject({ valid: false });

    const suppressed = await runInProcess(["suppress", "list", "--json"], { env: fx.env(sim) });
    const numbers = (JSON.parse(suppressed.stdout) as { number: string }[]).map((s) => s.number);
    expect(numbers.sort()).toEqual(["+15005550001", "+15005550009"]);

    // A later text to a suppressed number is skipped; a lookup of it is not.
    const texts = fx.file("texts.csv", "to,body\n+15005550009,hi\n+12025550101,hi\n");
    await runInProcess(["send", texts, "--from", FROM, "--rate", "1000", "--api-url", sim.url], {
      env: fx.env(sim),
    });
    expect((await apiRows(fx.journalPath())).slice(3).map((r) => r.state)).toEqual([
      "skipped",
      "sent",
    ]);
  });

  it("suppresses nothing without --suppress-landlines", async () => {
    const sim = await fx.simulator();
    await sendList(fx, sim, list("+15005550009"), ["--api", "lookup"]);
    const suppressed = await runInProcess(["suppress", "list", "--json"], { env: fx.env(sim) });
    expect(JSON.parse(suppressed.stdout)).toEqual([]);
  });

  it("asks again after a reset or a lost answer, and fails the row after --max-attempts: never in doubt", async () => {
    const sim = await fx.simulator({ dropRate: 1 });
    const sent = await sendList(fx, sim, list("+12025550101"), [
      "--api",
      "lookup",
      "--max-attempts",
      "2",
    ]);
    expect(sent.code).toBe(1);
    const [row] = await apiRows(fx.journalPath());
    expect([row?.state, row?.attempts]).toEqual(["failed", 2]);
    expect(sim.creates().map((c) => c.outcome)).toEqual(["dropped", "dropped"]);
  });

  it("asks again after a 500 (20500) instead of leaving it in doubt", async () => {
    const sim = await fx.simulator({ serverErrorRate: 1 });
    const sent = await sendList(fx, sim, list("+12025550101"), [
      "--api",
      "lookup",
      "--max-attempts",
      "2",
    ]);
    expect(sent.code).toBe(1);
    const [row] = await apiRows(fx.journalPath());
    expect([row?.state, row?.attempts, row?.error_code]).toEqual(["failed", 2, 20500]);
  });
});
