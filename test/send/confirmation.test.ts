import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runCli } from "../support/runCli.js";
import { hasScript, runOnTerminal } from "../support/runOnTerminal.js";
import { csvList, FROM, readJournal, useSendFixture } from "../support/simulatorFixture.js";

// Before a real send on a terminal: the plan with segments and an estimated cost, then a y/N
// question. The simulator quotes US 0.0079–0.0083 and CA 0.0075–0.008 a segment; other
// countries answer 404, as a country Twilio does not price would.

const fx = useSendFixture();

function env(sim: RunningSimulator) {
  return { ...fx.env(sim), TWILIO_BULK_API_URL: sim.url, TWILIO_CONFIG_DIR: fx.dir() };
}

function sendArgs(list: string, ...more: string[]) {
  return ["send", list, "--from", FROM, "--rate", "1000", ...more];
}

describe.skipIf(!hasScript)("on a terminal (util-linux script)", () => {
  it("shows segments and the cost, asks, and sends on y", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(3, "hello"));
    const result = await runOnTerminal(sendArgs(list), { env: env(sim), answer: "y\n" });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("3 segments;");
    expect(result.stdout).toContain(
      "Estimated cost: up to 0.0249 USD (3 segments at the highest carrier price in Twilio's Pricing API; carrier fees not included).",
    );
    expect(result.stdout).toContain(
      `Send 3 messages (3 segments, up to 0.0249 USD) with Twilio account ${sim.accountSid}? [y/N] `,
    );
    expect(sim.messages()).toHaveLength(3);
  });

  it.each([
    ["n", "n\n"],
    ["an empty line", "\n"],
    ["the end of input", "\x04"],
  ])("sends nothing on %s: exit 75, and the run is not kept", async (_what, answer) => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(3));
    const result = await runOnTerminal(sendArgs(list), { env: env(sim), answer });

    expect(result.code).toBe(75);
    expect(result.stdout).toContain("twilio-bulk: not confirmed: nothing was sent");
    expect(sim.messages()).toHaveLength(0);
    expect((await readJournal(fx.journalPath())).rows).toEqual([]);
  });

  it("asks where it can be seen when standard error goes to a file", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(2));
    const log = fx.file("err.log", "");
    const result = await runOnTerminal(sendArgs(list), {
      env: env(sim),
      answer: "y\n",
      stderrTo: log,
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Send 2 messages`);
    expect(result.stdout).toContain("[y/N] ");
    expect(readFileSync(log, "utf8")).not.toContain("[y/N]");
    expect(sim.messages()).toHaveLength(2);
  });

  it("Ctrl-C at the question stops with 130 and sends nothing", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(2));
    const result = await runOnTerminal(sendArgs(list), { env: env(sim), answer: "\x03" });

    expect(result.code).toBe(130);
    expect(result.stdout).toContain("interrupted by SIGINT at the confirmation: nothing was sent");
    // Nothing is in flight at the question: the notice does not claim otherwise.
    expect(result.stdout).toContain("SIGINT: stopping (send it again to stop at once)");
    expect(result.stdout).not.toContain("in flight");
    expect(sim.messages()).toHaveLength(0);
  });

  it("--yes sends without asking", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(2));
    const result = await runOnTerminal(sendArgs(list, "--yes"), { env: env(sim) });

    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("[y/N]");
    expect(sim.messages()).toHaveLength(2);
  });

  it("a failing price lookup leaves the cost unknown and does not stop the send", async () => {
    const sim = await fx.simulator();
    // France and Germany: the simulator has no prices for them (404).
    const list = fx.file("list.csv", "to,body\n+33612345678,salut\n+4915112345678,hallo\n");
    const result = await runOnTerminal(sendArgs(list), { env: env(sim), answer: "y\n" });

    expect(result.stdout).toContain(
      "Estimated cost: unknown (the Pricing API answered 404 (20404)); pass --price-per-segment to estimate it yourself.",
    );
    expect(result.stdout).toContain("(2 segments, cost unknown)");
    expect(result.code).toBe(0);
    expect(sim.messages()).toHaveLength(2);
  });

  it("gives the lookups one deadline: past it the cost is unknown and the send still goes", async () => {
    // Every answer takes longer than the whole (shortened) budget for the lookups.
    const sim = await fx.simulator({ latencyMs: 1500 });
    const list = fx.file("list.csv", "to,body\n+12025550100,hi\n+14165550100,hi\n");
    const result = await runOnTerminal(sendArgs(list), {
      env: { ...env(sim), TWILIO_BULK_TEST_PRICING_BUDGET_MS: "100" },
      answer: "y\n",
    });

    expect(result.stdout).toContain(
      "Estimated cost: unknown (the Pricing API did not answer within 0.1s); pass --price-per-segment to estimate it yourself.",
    );
    expect(result.stdout).toContain("(2 segments, cost unknown)");
    expect(result.code).toBe(0);
    expect(sim.messages()).toHaveLength(2);
  });

  it("prices what it can and says what it could not", async () => {
    const sim = await fx.simulator();
    const list = fx.file(
      "list.csv",
      "to,body\n+12025550100,hi\n+14165550100,hi\n+33612345678,hi\n",
    );
    const result = await runOnTerminal(sendArgs(list), { env: env(sim), answer: "y\n" });

    expect(result.stdout).toContain(
      "Estimated cost: at least 0.0163 USD for 2 segments; 1 segment to FR not priced (the Pricing API answered 404 (20404)).",
    );
    expect(result.code).toBe(0);
  });

  it("--price-per-segment is used instead of the Pricing API", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(4));
    const result = await runOnTerminal(sendArgs(list, "--price-per-segment", "0.01"), {
      env: env(sim),
      answer: "y\n",
    });

    expect(result.stdout).toContain(
      "Estimated cost: 0.04 (4 segments at 0.01 each, --price-per-segment).",
    );
    expect(result.stdout).toContain("Send 4 messages (4 segments, 0.04) with Twilio account");
    expect(result.code).toBe(0);
  });

  it("asks when a run is resumed, for what is still pending; a no keeps the run", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(3));
    // Refused credentials stop the run at once and leave every row pending.
    const refused = await runCli(sendArgs(list), {
      env: { ...env(sim), TWILIO_AUTH_TOKEN: "wrong" },
    });
    expect(refused.code).toBe(77);

    const declined = await runOnTerminal(sendArgs(list), { env: env(sim), answer: "n\n" });
    expect(declined.code).toBe(75);
    expect(declined.stdout).toContain("Resuming run 1: 3 rows pending.");
    expect((await readJournal(fx.journalPath())).rows.map((r) => r.state)).toEqual([
      "pending",
      "pending",
      "pending",
    ]);

    const confirmed = await runOnTerminal(sendArgs(list), { env: env(sim), answer: "y\n" });
    expect(confirmed.stdout).toContain("Send 3 messages (3 segments, up to 0.0249 USD)");
    expect(confirmed.code).toBe(0);
    expect(sim.messages()).toHaveLength(3);
  });

  it("names the profile in the question", async () => {
    const sim = await fx.simulator({ apiKeys: { SK00000000000000000000000000000001: "s3cret" } });
    const list = fx.file("list.csv", csvList(1));
    fx.file(
      "config.json",
      JSON.stringify({
        profiles: {
          work: {
            accountSid: sim.accountSid,
            apiKey: "SK00000000000000000000000000000001",
            apiSecret: "s3cret",
          },
        },
      }),
    );
    const result = await runOnTerminal(sendArgs(list, "--profile", "work"), {
      env: { ...env(sim), TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined },
      answer: "y\n",
    });

    expect(result.stdout).toContain(`with Twilio account ${sim.accountSid} (profile work)? [y/N]`);
    expect(result.stdout).not.toContain("s3cret");
    expect(result.code).toBe(0);
  });
});

describe.skipIf(!hasScript)("on a terminal, a list of several APIs", () => {
  it("counts requests by API; segments and the price belong to the messages, the rest are not priced", async () => {
    const sim = await fx.simulator();
    const list = fx.file(
      "list.csv",
      "api,to,body,url\nmessages,+12025550100,hi,\nmessages,+12025550101,hi,\ncalls,+12025550102,,https://example.com/t\nlookup,+12025550103,,\n",
    );
    const result = await runOnTerminal(sendArgs(list), { env: env(sim), answer: "y\n" });

    expect(result.stdout).toContain("2 segments, 2 other requests; about");
    expect(result.stdout).toContain(
      "Estimated cost: up to 0.0166 USD (2 segments at the highest carrier price in Twilio's Pricing API; carrier fees not included). Not priced: 1 call, 1 lookup.",
    );
    expect(result.stdout).toContain(
      `Send 2 messages (2 segments, up to 0.0166 USD), 1 call, 1 lookup with Twilio account ${sim.accountSid}? [y/N] `,
    );
    expect(result.code, result.stdout).toBe(0);
  });

  it("a list without messages shows no segments, no price it cannot know, and asks by API", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", "to\n+12025550100\n+12025550101\n");
    const result = await runOnTerminal(sendArgs(list, "--api", "lookup"), {
      env: env(sim),
      answer: "y\n",
    });

    expect(result.stdout).toContain("2 requests; about");
    expect(result.stdout).not.toMatch(/\d segments?[;,)]/);
    expect(result.stdout).toContain(
      "Estimated cost: not priced: 2 lookups (only SMS segments are priced).",
    );
    expect(result.stdout).toContain(`Send 2 lookups with Twilio account ${sim.accountSid}? [y/N] `);
    expect(result.code).toBe(0);
  });
});

describe("off a terminal", () => {
  it("never asks and looks nothing up (cron, pipes)", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(2));
    const result = await runCli(sendArgs(list), { env: env(sim) });

    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(/\[y\/N\]|Estimated cost/);
    expect(sim.messages()).toHaveLength(2);
  });

  it("--price-per-segment still prints the estimate, and --dry-run --json carries it", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(2, "x".repeat(200)));
    const text = await runCli(sendArgs(list, "--dry-run", "--price-per-segment", "0.0079"), {
      env: env(sim),
    });
    expect(text.stdout).toContain(
      "Estimated cost: 0.0316 (4 segments at 0.0079 each, --price-per-segment).",
    );

    const json = await runCli(
      sendArgs(list, "--dry-run", "--json", "--price-per-segment", "0.0079"),
      { env: env(sim) },
    );
    const parsed = JSON.parse(json.stdout) as { cost: { amount: number; segments: number } };
    expect(parsed.cost).toMatchObject({ segments: 4, source: "flat", pricePerSegment: 0.0079 });
    expect(parsed.cost.amount).toBeCloseTo(0.0316, 10);
  });

  it("rejects a price that is not a number (64)", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(1));
    const result = await runCli(sendArgs(list, "--price-per-segment", "cheap"), { env: env(sim) });

    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/--price-per-segment/);
  });
});
