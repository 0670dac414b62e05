import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/runCli.js";
import { FROM, useSendFixture } from "../support/simulatorFixture.js";

// A CSV report guards cells against spreadsheet formulas with a leading apostrophe; the
// operator must still be able to fix that file and send it again as a new list.

const fx = useSendFixture();

describe("a --rows CSV report fed back to send", () => {
  it("sends the original numbers and bodies, apostrophes removed", async () => {
    const sim = await fx.simulator({ mps: 2 });
    const list = fx.file(
      "list.csv",
      'to,body\n+12025550100,-50% today\n+12025550101,"=HYPERLINK(""x"")"\n+12025550102,@home\n',
    );
    const env = fx.env(sim);
    const first = await runInProcess(
      ["send", list, "--from", FROM, "--rate", "1000", "--max-attempts", "1", "--api-url", sim.url],
      { env },
    );
    expect(first.code).toBe(1);
    const failed = join(fx.dir(), "failed.csv");
    const report = await runInProcess(
      ["report", "--rows", "--state", "failed", "--format", "csv", "--out", failed],
      { env },
    );
    expect(report.code).toBe(0);
    const written = readFileSync(failed, "utf8");
    // Numbers stay as typed (a bare +digits cannot run); every other formula start is guarded.
    expect(written).toMatch(/(^|,)\+1202555010\d(,|$)/m);
    expect(written).not.toContain("'+1202555");
    expect(written).not.toMatch(/(^|,)([=\-@]|\+\d*[^\d,\n])/m);

    sim.setOptions({ mps: null });
    const before = sim.messages().length;
    const again = await runInProcess(
      ["send", failed, "--from", FROM, "--rate", "1000", "--api-url", sim.url],
      { env },
    );
    expect(again.code).toBe(0);
    const resent = sim.messages().slice(before);
    const bodies = new Map(resent.map((m) => [m.to, m.body]));
    const firstSent = new Set(
      sim
        .messages()
        .slice(0, before)
        .map((m) => m.to),
    );
    const expected = new Map([
      ["+12025550100", "-50% today"],
      ["+12025550101", '=HYPERLINK("x")'],
      ["+12025550102", "@home"],
    ]);
    for (const [to, body] of expected) {
      if (!firstSent.has(to)) expect(bodies.get(to)).toBe(body);
    }
    expect(resent.length + before).toBe(3);
  });
});
