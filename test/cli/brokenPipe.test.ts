import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { csvList, FROM, readJournal, useSendFixture } from "../support/simulatorFixture.js";

// `twilio-bulk send … | head`: stdout closes early. The run stops as on a first SIGINT (nothing
// new starts, what is in flight is journaled), exits 130, and prints no stack trace.

const fx = useSendFixture();
const BIN = fileURLToPath(new URL("../../bin/twilio-bulk.js", import.meta.url));

function sendWithClosedStdout(args: readonly string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: fx.dir(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Close our end of the pipe before the child writes anything: its first write gets EPIPE.
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe("a closed stdout pipe", () => {
  it("stops the run like an interrupt: exit 130, rows pending, nothing in doubt, no stack", async () => {
    const sim = await fx.simulator({ latencyMs: 20 });
    const list = fx.file("list.csv", csvList(40));
    const result = await sendWithClosedStdout(
      ["send", list, "--from", FROM, "--rate", "20", "--api-url", sim.url],
      fx.env(sim),
    );

    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain("SIGPIPE: standard output was closed");
    expect(result.stderr).not.toMatch(/internal error|EPIPE|\n\s+at /);
    const rows = (await readJournal(fx.journalPath())).rows;
    expect(rows).toHaveLength(40);
    expect(rows.filter((r) => r.state === "in_doubt")).toEqual([]);
    const sent = rows.filter((r) => r.state === "sent").length;
    expect(sent).toBe(sim.messages().length);
    expect(rows.filter((r) => r.state === "pending").length).toBe(40 - sent);
    expect(sent).toBeLessThan(40);
  });
});
