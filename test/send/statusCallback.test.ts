import { describe, expect, it } from "vitest";
import type { CreateRecord } from "../../src/simulator/createRecord.js";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runInProcess } from "../support/runCli.js";
import { FROM, useSendFixture } from "../support/simulatorFixture.js";

const fx = useSendFixture();

function send(sim: RunningSimulator, file: string, extra: string[] = []) {
  return runInProcess(
    ["send", file, "--from", FROM, "--rate", "1000", "--api-url", sim.url, ...extra],
    { env: fx.env(sim) },
  );
}

/** What the simulator's control API says it received, as a test in another process sees it. */
async function recordedCreates(sim: RunningSimulator): Promise<CreateRecord[]> {
  const response = await fetch(`${sim.url}/_sim/creates`);
  return (await response.json()) as CreateRecord[];
}

const LIST =
  "to,body,status_callback\n+12025550100,a,\n+12025550101,b,https://own.example/cb?row=2\n";

describe("send --status-callback-url", () => {
  it("sets StatusCallback on rows without their own status_callback", async () => {
    const sim = await fx.simulator();
    const result = await send(sim, fx.file("list.csv", LIST), [
      "--status-callback-url",
      "https://hooks.example/twilio/status",
    ]);
    expect(result.code).toBe(0);
    const byTo = Object.fromEntries((await recordedCreates(sim)).map((c) => [c.to, c]));
    expect(byTo["+12025550100"]?.statusCallback).toBe("https://hooks.example/twilio/status");
    expect(byTo["+12025550101"]?.statusCallback).toBe("https://own.example/cb?row=2");
  });

  it("sends no StatusCallback without the option or the column", async () => {
    const sim = await fx.simulator();
    await send(sim, fx.file("list.csv", "to,body\n+12025550100,a\n"));
    expect((await recordedCreates(sim)).map((c) => c.statusCallback)).toEqual([null]);
  });

  it("is part of the run's identity: a named run refuses another URL, saying so", async () => {
    const sim = await fx.simulator();
    const file = fx.file("list.csv", "to,body\n+12025550100,a\n");
    const first = ["--run", "nightly", "--status-callback-url", "https://a.example/cb"];
    expect((await send(sim, file, first)).code).toBe(0);
    const changed = await send(sim, file, [
      "--run",
      "nightly",
      "--status-callback-url",
      "https://b.example/cb",
    ]);
    expect(changed.code).toBe(65);
    expect(changed.stderr).toContain(
      '--status-callback-url was "https://a.example/cb", now "https://b.example/cb"',
    );
    expect(sim.creates()).toHaveLength(1);
  });

  it("refuses a URL that is not http(s)", async () => {
    const sim = await fx.simulator();
    const result = await send(sim, fx.file("list.csv", "to,body\n+12025550100,a\n"), [
      "--status-callback-url",
      "ftp://x.example/",
    ]);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/`--status-callback-url` must be an http\(s\) URL/);
  });
});
