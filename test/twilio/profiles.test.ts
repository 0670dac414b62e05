import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runCli } from "../support/runCli.js";
import { csvList, FROM, readJournal, useSendFixture } from "../support/simulatorFixture.js";

// twilio-cli profiles: a fake config.json in a temporary TWILIO_CONFIG_DIR, and sends through
// the simulator, which accepts only the API key it was started with.

const fx = useSendFixture();

const KEY = "SK11111111111111111111111111111111";
const SECRET = "profile-secret-do-not-print";

function profile(sim: RunningSimulator, apiSecret = SECRET) {
  return { accountSid: sim.accountSid, apiKey: KEY, apiSecret, region: null };
}

/** Writes config.json (an object, or raw text) and returns the env of a command without TWILIO_* credentials. */
function configure(sim: RunningSimulator, config: unknown): Record<string, string | undefined> {
  writeFileSync(
    join(fx.dir(), "config.json"),
    typeof config === "string" ? config : JSON.stringify(config),
  );
  return fx.env(sim, {
    TWILIO_ACCOUNT_SID: undefined,
    TWILIO_AUTH_TOKEN: undefined,
    TWILIO_CONFIG_DIR: fx.dir(),
    TWILIO_BULK_API_URL: sim.url,
  });
}

async function apiKeySimulator() {
  return fx.simulator({ apiKeys: { [KEY]: SECRET } });
}

function send(args: string[], env: Record<string, string | undefined>) {
  const list = fx.file("list.csv", csvList(3));
  return runCli(["send", list, "--from", FROM, "--rate", "1000", ...args], { env });
}

describe("--profile", () => {
  it("sends with the profile's API key and never prints or journals its secret", async () => {
    const sim = await apiKeySimulator();
    const env = configure(sim, { profiles: { work: profile(sim) } });
    const result = await send(["--profile", "work"], env);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(sim.messages()).toHaveLength(3);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    expect(readFileSync(fx.journalPath()).includes(SECRET)).toBe(false);
  });

  it("is the profile's key that authenticates: a wrong secret is refused (77)", async () => {
    const sim = await apiKeySimulator();
    const env = configure(sim, { profiles: { work: profile(sim, "wrong") } });
    const result = await send(["--profile", "work"], env);

    expect(result.code).toBe(77);
    expect(sim.messages()).toHaveLength(0);
    // What to check is the profile, in the file it came from: not the environment variables.
    expect(result.stderr).toContain(
      `To do: check profile "work" in ${join(fx.dir(), "config.json")}`,
    );
    expect(result.stderr).not.toContain("TWILIO_AUTH_TOKEN");
  });

  it("wins over the environment's credentials", async () => {
    const sim = await apiKeySimulator();
    const env = {
      ...configure(sim, { profiles: { work: profile(sim) } }),
      TWILIO_ACCOUNT_SID: sim.accountSid,
      TWILIO_AUTH_TOKEN: "not-the-token",
    };
    const result = await send(["--profile", "work"], env);

    expect(result.code).toBe(0);
    expect(sim.messages()).toHaveLength(3);
  });

  it("reads a legacy `projects` entry but says where its secret went (78)", async () => {
    const sim = await apiKeySimulator();
    const env = configure(sim, {
      projects: [{ id: "old", accountSid: sim.accountSid, region: null }],
      activeProject: "old",
    });
    const result = await send(["--profile", "old"], env);

    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`profile "old" in ${join(fx.dir(), "config.json")}`);
    expect(result.stderr).toMatch(/keychain/);
    expect(result.stderr).toMatch(/twilio profiles:create --profile old/);
  });
});

describe("without --profile", () => {
  it("the environment wins over the config's active profile", async () => {
    const sim = await apiKeySimulator();
    const env = {
      ...configure(sim, { profiles: { work: profile(sim, "wrong") }, activeProject: "work" }),
      TWILIO_ACCOUNT_SID: sim.accountSid,
      TWILIO_AUTH_TOKEN: sim.authToken,
    };
    const result = await send([], env);

    expect(result.code).toBe(0);
  });

  it("uses the active profile when the environment has no credentials", async () => {
    const sim = await apiKeySimulator();
    const env = configure(sim, {
      profiles: { other: profile(sim, "wrong"), work: profile(sim) },
      activeProject: "work",
    });
    const result = await send([], env);

    expect(result.code).toBe(0);
    expect(sim.messages()).toHaveLength(3);
  });

  it("honours requireProfileInput (78)", async () => {
    const sim = await apiKeySimulator();
    const env = configure(sim, {
      profiles: { work: profile(sim) },
      activeProject: "work",
      requireProfileInput: true,
    });
    const result = await send([], env);

    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/requires a profile.*\n.*--profile NAME \(its profiles: work\)/);
  });
});

describe("configuration errors", () => {
  it.each([
    ["send", ["send", "list.csv", "--from", FROM]],
    ["retry", ["retry", "--state", "failed"]],
    ["status", ["status"]],
    ["reconcile", ["reconcile"]],
  ])("%s: an unknown profile exits 78 listing the profiles there are", async (_name, args) => {
    const sim = await apiKeySimulator();
    const env = configure(sim, { profiles: { work: profile(sim), staging: profile(sim) } });
    const result = await runCli([...args, "--profile", "prod"], { env, cwd: fx.dir() });

    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      `twilio-bulk: profile "prod" is not in ${join(fx.dir(), "config.json")}; its profiles: work, staging\n`,
    );
  });

  it("invalid JSON names the file, line and column, and quotes none of it", async () => {
    const sim = await apiKeySimulator();
    const text = `{\n  "profiles": {\n    "work": { "apiSecret": ${SECRET} }\n  }\n}\n`;
    const env = configure(sim, text);
    const result = await send(["--profile", "work"], env);

    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      `${join(fx.dir(), "config.json")}:3:28: the twilio-cli configuration is not valid JSON`,
    );
    expect(result.stderr).not.toContain(SECRET);
  });

  it("an unreadable config is named (here: a directory)", async () => {
    const sim = await apiKeySimulator();
    const env = configure(sim, {});
    const dir = join(fx.dir(), "elsewhere");
    mkdirSync(join(dir, "config.json"), { recursive: true });
    env.TWILIO_CONFIG_DIR = dir;
    const result = await send(["--profile", "work"], env);

    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      `cannot read the twilio-cli configuration ${join(dir, "config.json")} (EISDIR)`,
    );
  });

  it("a missing config is named", async () => {
    const sim = await apiKeySimulator();
    const env = configure(sim, {});
    env.TWILIO_CONFIG_DIR = join(fx.dir(), "nowhere");
    const result = await send(["--profile", "work"], env);

    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      `profile "work": there is no twilio-cli configuration at ${join(fx.dir(), "nowhere", "config.json")}`,
    );
  });

  it("a profile that is not an object is named", async () => {
    const sim = await apiKeySimulator();
    const env = configure(sim, { profiles: { work: "SK…" } });
    const result = await send(["--profile", "work"], env);

    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      'not a twilio-cli configuration: profile "work" is not an object',
    );
  });

  it("no credentials anywhere still says what to set", async () => {
    const sim = await apiKeySimulator();
    const env = configure(sim, "");
    env.TWILIO_CONFIG_DIR = join(fx.dir(), "nowhere");
    const result = await send([], env);

    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/TWILIO_ACCOUNT_SID is not set\n.*--profile NAME/);
  });

  it("the journal holds no run for a command stopped by its configuration", async () => {
    const sim = await apiKeySimulator();
    const env = configure(sim, { profiles: {} });
    const result = await send(["--profile", "work"], env);

    expect(result.code).toBe(78);
    expect(result.stderr).toContain("it has no profiles");
    await expect(readJournal(fx.journalPath())).rejects.toThrow();
  });
});
