import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/runCli.js";
import { csvList, FROM, useSendFixture } from "../support/simulatorFixture.js";

// Editing a list while its run is unfinished must not quietly start a second run that sends
// every row again.

const fx = useSendFixture();

describe("an unfinished run's file, edited", () => {
  it("is refused with exit 65 naming the run and what changed; --new-run sends it on purpose", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(3));
    const args = ["send", list, "--from", FROM, "--rate", "1000", "--api-url", sim.url];
    // Wrong credentials stop the run at once, leaving its rows pending: an unfinished run.
    const stopped = await runInProcess(args, {
      env: { ...fx.env(sim), TWILIO_AUTH_TOKEN: "wrong" },
    });
    expect(stopped.code).toBe(77);

    writeFileSync(list, `${csvList(3)}+12025559999,New,one more\n`);
    const edited = await runInProcess(args, { env: fx.env(sim) });
    expect(edited.code).toBe(65);
    expect(edited.stderr).toMatch(/run 1 of this file is unfinished/);
    expect(edited.stderr).toMatch(/content changed/);
    expect(edited.stderr).toMatch(/--new-run/);
    expect(sim.messages()).toHaveLength(0);

    const onPurpose = await runInProcess([...args, "--new-run"], { env: fx.env(sim) });
    expect(onPurpose.code).toBe(0);
    expect(sim.messages()).toHaveLength(4);
  });
});
