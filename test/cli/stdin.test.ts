import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runCli } from "../support/runCli.js";
import { byRecipient, FROM, readJournal, useSendFixture } from "../support/simulatorFixture.js";

// `send -` reads the list from standard input, piped into a child process.

const fx = useSendFixture();

function sendStdin(sim: RunningSimulator, stdin: string, extra: string[]) {
  return runCli(["send", "-", "--from", FROM, "--rate", "1000", "--api-url", sim.url, ...extra], {
    env: fx.env(sim),
    stdin,
  });
}

describe("send -", () => {
  it("reads CSV from stdin with --format csv", async () => {
    const sim = await fx.simulator();
    const result = await sendStdin(sim, "to,body\n+12025550100,one\n+12025550101,two\n", [
      "--format",
      "csv",
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("<stdin>");
    expect(byRecipient(sim.messages()).map((m) => [m.to, m.body])).toEqual([
      ["+12025550100", "one"],
      ["+12025550101", "two"],
    ]);
  });

  it("reads NDJSON from stdin with --format ndjson, a named run", async () => {
    const sim = await fx.simulator();
    const ndjson = '{"to": "+12025550100", "body": "one"}\n{"to": "+12025550101", "body": "two"}\n';
    const result = await sendStdin(sim, ndjson, ["--format", "ndjson", "--run", "nightly-1"]);

    expect(result.code).toBe(0);
    expect(byRecipient(sim.messages()).map((m) => m.body)).toEqual(["one", "two"]);
    expect((await readJournal(fx.journalPath())).rows.map((r) => r.state)).toEqual([
      "sent",
      "sent",
    ]);

    // The same list piped again under the same name is that run, already finished.
    const again = await sendStdin(sim, ndjson, ["--format", "ndjson", "--run", "nightly-1"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already finished/);
    expect(sim.creates()).toHaveLength(2);
  });

  it("names <stdin> and the line of a file-level error, and sends nothing", async () => {
    const sim = await fx.simulator();
    const result = await sendStdin(sim, '{"to": "+12025550100"}\n{"to": \n', [
      "--format",
      "ndjson",
    ]);

    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/<stdin>:2/);
    expect(sim.creates()).toHaveLength(0);
  });

  it("asks for --format when stdin's format cannot be told (exit 64)", async () => {
    const sim = await fx.simulator();
    const result = await sendStdin(sim, "to,body\n+12025550100,one\n", []);

    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/--format/);
    expect(sim.creates()).toHaveLength(0);
  });
});

describe("a named pipe given as the file", () => {
  it("is refused with exit 64 and told to use standard input", async () => {
    const { execFileSync } = await import("node:child_process");
    const { join } = await import("node:path");
    const fifo = join(fx.dir(), "list.fifo");
    execFileSync("mkfifo", [fifo]);
    const result = await runCli(["send", fifo, "--format", "csv", "--from", "+15005550006"], {
      env: {
        TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000000",
        TWILIO_AUTH_TOKEN: "t",
        TWILIO_BULK_JOURNAL: join(fx.dir(), "j.db"),
      },
    });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/pipe or a device/);
    expect(result.stderr).toMatch(/send -/);
  });
});
