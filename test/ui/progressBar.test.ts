import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runCli } from "../support/runCli.js";
import { hasScript, runOnTerminal } from "../support/runOnTerminal.js";
import { csvList, FROM, useSendFixture } from "../support/simulatorFixture.js";

// The progress display is chosen by what stderr is: a bar on a terminal, plain log lines
// elsewhere (a cron mail or a CI log would fill with carriage returns).

const fx = useSendFixture();

function env(sim: RunningSimulator) {
  return { ...fx.env(sim), TWILIO_BULK_API_URL: sim.url, TWILIO_CONFIG_DIR: fx.dir() };
}

const args = (list: string) => ["send", list, "--from", FROM, "--rate", "20", "--yes"];

describe.skipIf(!hasScript)("the progress bar on a terminal (util-linux script)", () => {
  it("draws a bar that ends at every row, with the counts, and gives the cursor back", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(12, "bar"));
    const result = await runOnTerminal(args(list), { env: env(sim) });

    expect(result.code).toBe(0);
    const screen = result.stdout;
    expect(screen).toMatch(/sending [█░]{24} 12\/12 \| sent 12 \| failed 0 \| in doubt 0 \| /);
    // Redrawn in place, and the cursor hidden while it runs is shown again at the end.
    expect(screen).toContain("\r");
    expect(screen).toContain("\x1b[?25l");
    expect(screen.lastIndexOf("\x1b[?25h")).toBeGreaterThan(screen.lastIndexOf("\x1b[?25l"));
    expect(sim.messages()).toHaveLength(12);
  });
});

describe("off a terminal", () => {
  it("draws no bar: no carriage return or cursor control in what it writes", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(12, "log"));
    const result = await runCli(args(list), { env: env(sim), cwd: fx.dir() });

    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("\r");
    expect(result.stderr).not.toContain("\x1b[");
    expect(result.stderr).not.toMatch(/[█░]/);
    expect(sim.messages()).toHaveLength(12);
  });
});
