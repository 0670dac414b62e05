import { describe, expect, it } from "vitest";
import { useSendFixture } from "../support/simulatorFixture.js";
import { apiRows, sendList } from "./apiFixture.js";

// Outcome classes shared by the APIs, over HTTP: a 429 is retried for every API, a 5xx of a
// create is in doubt, and invalid rows keep their line and every reason.

const fx = useSendFixture();

const numbers = (n: number) =>
  Array.from({ length: n }, (_, i) => `+1202555${String(1000 + i)}`).join("\n");

describe("outcomes by API", () => {
  it("Studio's 429 above its executions a second is retried until every row is sent, none twice", async () => {
    // A cap of 5 (Twilio's is 20): a loaded machine sending 25 rows slower than 20 a second
    // would meet no 429 at all.
    const sim = await fx.simulator({ studioMps: 5 });
    const list = fx.file("contacts.csv", `to\n${numbers(25)}\n`);
    const sent = await sendList(fx, sim, list, ["--api", "studio", "--max-attempts", "10"]);
    expect(sent.code, sent.stderr).toBe(0);
    const rows = await apiRows(fx.journalPath());
    expect(rows.every((r) => r.state === "sent")).toBe(true);
    expect(rows.some((r) => r.attempts > 1)).toBe(true);
    expect(sim.executions()).toHaveLength(25);
    expect(new Set(sim.executions().map((e) => e.contactChannelAddress)).size).toBe(25);
  });

  it("a 500 to a create is in doubt (a call, a verification), never sent again on its own", async () => {
    const sim = await fx.simulator({ serverErrorRate: 1 });
    const list = fx.file(
      "mixed.csv",
      "api,to,url,channel\ncalls,+12025550101,https://e.x/t,\nverify,+12025550102,,sms\n",
    );
    const sent = await sendList(fx, sim, list, ["--max-attempts", "5"]);
    expect(sent.code).toBe(3);
    const rows = await apiRows(fx.journalPath());
    expect(rows.map((r) => [r.api, r.state, r.attempts, r.error_code])).toEqual([
      ["calls", "in_doubt", 1, 20500],
      ["verify", "in_doubt", 1, 20500],
    ]);
  });

  it("a Studio execution already active for a contact fails its row (409)", async () => {
    const sim = await fx.simulator();
    const list = fx.file("twice.csv", "to,step\n+12025550101,1\n+12025550101,2\n");
    // One at a time: the first line's execution is the one that is active when the second comes.
    const sent = await sendList(fx, sim, list, ["--api", "studio", "--concurrency", "1"]);
    expect(sent.code).toBe(1);
    expect((await apiRows(fx.journalPath())).map((r) => [r.state, r.error_code])).toEqual([
      ["sent", null],
      ["failed", 20409],
    ]);
  });

  it("invalid rows keep their line and reasons, and the others are sent", async () => {
    const sim = await fx.simulator();
    const list = fx.file(
      "bad.csv",
      "api,to,channel,url\nfax,+12025550101,,\nverify,+12025550102,pigeon,\ncalls,+12025550103,,\nlookup,+12025550104,,\n",
    );
    const sent = await sendList(fx, sim, list);
    expect(sent.code).toBe(1);
    expect((await apiRows(fx.journalPath())).map((r) => [r.api, r.state, r.reason])).toEqual([
      ["fax", "invalid", "api `fax` is not one of messages, calls, lookup, verify, studio"],
      ["verify", "invalid", "channel must be one of sms, call, email, whatsapp, got `pigeon`"],
      [
        "calls",
        "invalid",
        "nothing to run on the call: give one of url, twiml or application_sid (or --url / --twiml / --application-sid)",
      ],
      ["lookup", "sent", null],
    ]);
  });
});
