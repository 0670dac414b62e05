import { describe, expect, it } from "vitest";
import { runCliIntoHead, runInProcess } from "../support/runCli.js";
import { csvList, FROM, useSendFixture } from "../support/simulatorFixture.js";

// `twilio-bulk report --rows --format csv | head -2`: the reader leaves early. A command that
// only writes ends quietly with its own exit code: no EPIPE, no stack trace, and no word of
// requests in flight (it has none).

const fx = useSendFixture();
const QUIET = /internal error|EPIPE|\n\s+at |in flight|SIGPIPE/;

async function sentJournal(rows: number) {
  const sim = await fx.simulator();
  const env = fx.env(sim);
  const list = fx.file("list.csv", csvList(rows));
  const sent = await runInProcess(
    ["send", list, "--from", FROM, "--rate", "100000", "--concurrency", "20", "--api-url", sim.url],
    { env },
  );
  expect(sent.code, sent.stderr).toBe(0);
  return { env, list, sim };
}

describe("a reader that leaves early", () => {
  it("ends a long report quietly with exit 0 (CSV, JSON and table rows)", async () => {
    // ~800 rows (over 100 kB of CSV): far more than a pipe holds, so the report is still writing when head leaves.
    const { env } = await sentJournal(800);
    for (const format of ["csv", "json", "table"]) {
      const result = await runCliIntoHead(["report", "--rows", "--format", format], 2, { env });
      expect(result.code, `${format}: ${result.stderr}`).toBe(0);
      expect(result.stderr, format).not.toMatch(QUIET);
      expect(result.stdout.split("\n")).toHaveLength(3);
    }
  });

  it("ends every listing command quietly with its own exit code when stdout is closed at once", async () => {
    const { env, list } = await sentJournal(30);
    const commands: [string[], number][] = [
      [["report"], 0],
      [["report", "--format", "json"], 0],
      [["report", "--rows", "--format", "csv"], 0],
      [["runs"], 0],
      [["runs", "--json"], 0],
      [["suppress", "list"], 0],
      [["suppress", "list", "--json"], 0],
      [["retry", "--state", "pending", "--dry-run"], 0],
      [["send", list, "--from", FROM, "--dry-run", "--new-run"], 0],
      [["send", list, "--from", FROM, "--dry-run", "--new-run", "--json"], 0],
      [["send", "--help"], 0],
      [["generate", "--rows", "1000000"], 0],
      [["generate", "--rows", "1000000", "--format", "ndjson"], 0],
    ];
    for (const [args, code] of commands) {
      const result = await runCliIntoHead(args, 0, { env });
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(code);
      expect(result.stderr, args.join(" ")).not.toMatch(QUIET);
    }
  });

  it("ends `generate --rows 1000000 | head -1` quietly with exit 0", async () => {
    const result = await runCliIntoHead(["generate", "--rows", "1000000"], 1);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(QUIET);
    expect(result.stdout).toBe("to,from,body,kind,expected\n");
  });

  it("says a sending command is stopping, not finishing requests, when none is in flight", async () => {
    const { env, list, sim } = await sentJournal(30);
    const api = ["--api-url", sim.url];
    const commands: string[][] = [
      ["send", list, "--from", FROM, ...api],
      ["retry", "--state", "failed", ...api],
      ["reconcile", ...api],
    ];
    for (const args of commands) {
      const result = await runCliIntoHead(args, 0, { env });
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
      expect(result.stderr, args.join(" ")).toContain(
        "SIGPIPE: standard output was closed; stopping.",
      );
      expect(result.stderr, args.join(" ")).not.toMatch(/in flight|internal error|EPIPE|\n\s+at /);
    }
  });

  it("lets a command with requests in flight say it is finishing them, without a stack trace", async () => {
    const { env, sim } = await sentJournal(30);
    const result = await runCliIntoHead(["status", "--rate", "1000", "--api-url", sim.url], 0, {
      env,
    });
    expect(result.code).not.toBe(70);
    expect(result.stderr).not.toMatch(/internal error|EPIPE|\n\s+at /);
  });

  it("ends a send of a finished list with exit 0 and no stack trace", async () => {
    const { env, list } = await sentJournal(30);
    const result = await runCliIntoHead(["send", list, "--from", FROM, "--json"], 0, { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/internal error|EPIPE|\n\s+at /);
  });
});
