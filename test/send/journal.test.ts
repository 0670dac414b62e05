import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/runCli.js";
import { closedPort, csvList, FROM, useSendFixture } from "../support/simulatorFixture.js";

// The journal as `send` leaves it on disk: its mode, its WAL companions, and what it never holds.

const fx = useSendFixture();

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The bytes of the journal and of whatever companions exist right now, as latin1 text. */
function journalBytes(path: string): string {
  return [path, `${path}-wal`, `${path}-shm`]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString("latin1"))
    .join("\n");
}

function expectNoCredentials(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/authorization/i);
  expect(text).not.toContain("Basic ");
}

const basic = (user: string, password: string) =>
  Buffer.from(`${user}:${password}`).toString("base64");

describe("the journal send creates", () => {
  it("is 0600 in a 0700 directory, with -wal and -shm 0600, in WAL mode", async () => {
    // The simulator holds the one request unanswered, so the run is caught mid-flight with its
    // WAL open; closing the simulator then ends it (the row in doubt).
    const sim = await fx.simulator({ latencyMs: 600_000 });
    const path = join(fx.dir(), "state", "twilio-bulk", "journal.db");
    const running = runInProcess(
      ["send", fx.file("list.csv", csvList(1)), "--from", FROM, "--api-url", sim.url],
      { env: fx.env(sim, { TWILIO_BULK_JOURNAL: path }) },
    );
    await until(() => sim.creates().length === 1);

    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(mode(file)).toBe("600");
    expect(mode(dirname(path))).toBe("700");
    expectNoCredentials(journalBytes(path), [sim.authToken, basic(sim.accountSid, sim.authToken)]);

    await sim.close();
    expect((await running).code).toBe(3);
    expect(mode(path)).toBe("600");
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("SELECT state FROM rows").pluck().all()).toEqual(["in_doubt"]);
    db.close();
  });

  it("never holds the credentials or an Authorization header, whatever the outcome", async () => {
    const token = "tok-e2e-5f1c0de9a8b7";
    const apiKey = "SKe2e0000000000000000000000000001";
    const apiSecret = "secret-e2e-77c4b2a1";
    const sim = await fx.simulator({ authToken: token, apiKeys: { [apiKey]: apiSecret } });
    const list = fx.file("list.csv", "to,body\n+12025550100,hi\n+15005550001,hi\nnope,hi\n");
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const send = (env: Record<string, string | undefined>, extra: string[] = []) =>
      runInProcess(
        ["send", list, "--from", FROM, "--rate", "1000", "--new-run", "--max-attempts", "1"].concat(
          extra,
        ),
        { env: fx.env(sim, { TWILIO_BULK_API_URL: sim.url, ...env }) },
      );

    const outputs = [
      await send({}), // sent, failed 21211, invalid
      await send({ TWILIO_AUTH_TOKEN: "wrong-e2e-token-3b9d" }), // 20003
      await send({ TWILIO_API_KEY: apiKey, TWILIO_API_SECRET: apiSecret }),
      await send({ TWILIO_BULK_API_URL: dead }), // ECONNREFUSED
    ];
    sim.setOptions({ latencyMs: 2000 });
    outputs.push(await send({}, ["--timeout", "0.1"])); // a timeout: axios's error holds the header
    sim.setOptions({ latencyMs: 0, resetRate: 1 });
    outputs.push(await send({})); // ECONNRESET

    expect(outputs.map((o) => o.code)).toEqual([1, 77, 1, 1, 3, 3]);
    const secrets = [
      token,
      "wrong-e2e-token-3b9d",
      apiSecret,
      basic(sim.accountSid, token),
      basic(sim.accountSid, "wrong-e2e-token-3b9d"),
      basic(apiKey, apiSecret),
    ];
    expectNoCredentials(journalBytes(fx.journalPath()), secrets);
    for (const { stdout, stderr } of outputs) expectNoCredentials(stdout + stderr, secrets);
  });
});
