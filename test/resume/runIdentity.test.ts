import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/runCli.js";
import { csvList, FROM, readJournal, useSendFixture } from "../support/simulatorFixture.js";

// Which run a `send` continues: the same input and sending options resume theirs, a finished
// one is not sent again unless asked, and a named run refuses input that is not its own.

const fx = useSendFixture();

async function setup(rows = 3) {
  const sim = await fx.simulator();
  const list = fx.file("list.csv", csvList(rows));
  const send = (...extra: string[]) =>
    runInProcess(["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url, ...extra], {
      env: fx.env(sim),
    });
  return { sim, list, send };
}

describe("a list whose run finished", () => {
  it("sends nothing again, saying which run, when and its counts (exit 0)", async () => {
    const { sim, send } = await setup();
    expect((await send()).code).toBe(0);
    const again = await send();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      /Run 1 of this list already finished on \d{4}-\d\d-\d\dT[\d:.]+Z; nothing to send/,
    );
    expect(again.stdout).toMatch(/sent\s+3/);
    expect(sim.creates()).toHaveLength(3);
  });

  it("is the same run whatever the pace: --rate is not part of its identity", async () => {
    const { sim, send } = await setup();
    await send();
    expect((await send("--rate", "7", "--concurrency", "2")).stdout).toContain("already finished");
    expect(sim.creates()).toHaveLength(3);
  });

  it("is sent again, as a new run, with --new-run", async () => {
    const { sim, send } = await setup();
    await send();
    const again = await send("--new-run", "--allow-duplicates");
    // --allow-duplicates changes the sending options: that alone makes it another run.
    expect(again.code).toBe(0);
    const fresh = await send("--new-run");
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain("Plan: 3 rows");
    expect(sim.creates()).toHaveLength(9);
    const runs = await runInProcess(["runs", "--json", "--journal", fx.journalPath()]);
    expect((JSON.parse(runs.stdout) as { id: number }[]).map((r) => r.id)).toEqual([1, 2, 3]);
    // Without --new-run, the newest run of the list is the one resumed.
    expect((await send()).stdout).toContain("Run 3 of this list already finished");
  });

  it("is a different run when a sending option changes", async () => {
    const { sim, send } = await setup();
    await send();
    const other = await send("--body", "Hi {{first_name}}");
    expect(other.code).toBe(0);
    expect(other.stdout).toContain("Plan: 3 rows");
    expect(sim.creates()).toHaveLength(6);
  });
});

describe("--run <name>", () => {
  it("resumes the named run, and refuses another input, saying what changed (exit 65)", async () => {
    const { sim, send } = await setup();
    expect((await send("--run", "reminders-2024-05-01")).code).toBe(0);
    const changed = fx.file("list.csv", csvList(4));
    const result = await runInProcess(
      ["send", changed, "--from", FROM, "--run", "reminders-2024-05-01", "--api-url", sim.url],
      { env: fx.env(sim) },
    );
    expect(result.code).toBe(65);
    expect(result.stderr).toContain("run reminders-2024-05-01 cannot be resumed with this input");
    expect(result.stderr).toMatch(
      /the input's content changed \(sha256 [0-9a-f]{12}… was recorded/,
    );
    expect(sim.creates()).toHaveLength(3);
  });

  it("refuses other sending options, naming each one (exit 65)", async () => {
    const { sim, list } = await setup();
    const args = ["send", list, "--run", "nightly", "--api-url", sim.url, "--rate", "1000"];
    expect((await runInProcess([...args, "--from", FROM], { env: fx.env(sim) })).code).toBe(0);
    const result = await runInProcess([...args, "--from", "+15005550010", "--body", "x"], {
      env: fx.env(sim),
    });
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('--body was not set, now "x"');
    expect(result.stderr).toContain('--from was "+15005550006", now "+15005550010"');
  });

  it("with --new-run refuses a name already taken (exit 65)", async () => {
    const { send } = await setup();
    await send("--run", "once");
    const again = await send("--run", "once", "--new-run");
    expect(again.code).toBe(65);
    expect(again.stderr).toContain('a run named "once" already exists');
  });
});

describe("stdin", () => {
  const ndjson = (n: number) =>
    Array.from({ length: n }, (_, i) => JSON.stringify({ to: `+1202555${2000 + i}`, body: "hi" }))
      .join("\n")
      .concat("\n");

  it("resumes with --run, checking the content's hash as it streams", async () => {
    const sim = await fx.simulator();
    const args = ["send", "-", "--format", "ndjson", "--from", FROM, "--run", "piped"];
    const withSim = [...args, "--api-url", sim.url, "--rate", "1000"];
    // Stopped by Twilio refusing the credentials: the rows stay pending.
    const refused = await runInProcess(withSim, {
      env: fx.env(sim, { TWILIO_AUTH_TOKEN: "wrong" }),
      stdin: ndjson(5),
    });
    expect(refused.code).toBe(77);
    expect((await readJournal(fx.journalPath())).rows.every((r) => r.state === "pending")).toBe(
      true,
    );

    const other = await runInProcess(withSim, { env: fx.env(sim), stdin: ndjson(6) });
    expect(other.code).toBe(65);
    expect(other.stderr).toContain("<stdin>: run piped cannot be resumed with this input");
    expect(other.stderr).toContain("the input's content changed");
    expect(sim.messages()).toHaveLength(0);

    const resumed = await runInProcess(withSim, { env: fx.env(sim), stdin: ndjson(5) });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("Resuming run piped: 5 rows pending");
    expect(sim.messages()).toHaveLength(5);
  });

  it("without --run is a new run every time, and says how to carry on", async () => {
    const sim = await fx.simulator();
    const args = ["send", "-", "--format", "ndjson", "--from", FROM, "--api-url", sim.url];
    const refused = await runInProcess(args, {
      env: fx.env(sim, { TWILIO_AUTH_TOKEN: "wrong" }),
      stdin: ndjson(2),
    });
    expect(refused.code).toBe(77);
    expect(refused.stdout).toContain("Resume with: twilio-bulk retry --state pending --run 1");
    const again = await runInProcess(args, { env: fx.env(sim), stdin: ndjson(2) });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Plan: 2 rows");
    const runs = await runInProcess(["runs", "--json", "--journal", fx.journalPath()]);
    expect(JSON.parse(runs.stdout)).toHaveLength(2);
  });
});
