import { createHmac } from "node:crypto";
import twilio from "twilio";
import { describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/startSimulator.js";
import { runCli, runInProcess, type StartedCli, startCli } from "../support/runCli.js";
import { byRecipient, FROM, queryJournal, useSendFixture } from "../support/simulatorFixture.js";

const fx = useSendFixture();

/**
 * Twilio's algorithm, written out: the URL, then every form field's name and value in name
 * order, HMAC-SHA1 with the auth token, base64. Cross-checked against twilio-node below.
 */
function sign(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

interface Listener extends StartedCli {
  url: string;
}

/** `twilio-bulk listen --port 0` as a child; resolves once it says where it listens. */
async function startListener(sim: RunningSimulator, extra: string[] = []): Promise<Listener> {
  const started = startCli(["listen", "--port", "0", ...extra], { env: fx.env(sim) });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    started.child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    started.exited.then((result) => reject(new Error(`listen exited: ${result.stderr}`)));
  });
  return { ...started, url };
}

async function sentList(sim: RunningSimulator) {
  const list = "to,body\n+12025550100,a\n+12025550106,b\n";
  const sent = await runInProcess(
    ["send", fx.file("list.csv", list), "--from", FROM, "--rate", "1000", "--api-url", sim.url],
    { env: fx.env(sim) },
  );
  expect(sent.code).toBe(0);
  return byRecipient(sim.messages()).map((m) => m.sid);
}

function callback(sim: RunningSimulator, sid: string, status: string, errorCode?: number) {
  const params: Record<string, string> = {
    AccountSid: sim.accountSid,
    MessageSid: sid,
    SmsSid: sid,
    MessageStatus: status,
    SmsStatus: status,
    To: "+12025550100",
    From: FROM,
    ApiVersion: "2010-04-01",
  };
  if (errorCode !== undefined) params.ErrorCode = String(errorCode);
  return params;
}

function post(url: string, params: Record<string, string>, signature?: string) {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
  };
  if (signature !== undefined) headers["x-twilio-signature"] = signature;
  return fetch(url, { method: "POST", headers, body: new URLSearchParams(params) });
}

async function delivery(sid: string) {
  const [row] = await queryJournal<{
    delivery_status: string | null;
    delivery_error_code: number | null;
  }>(fx.journalPath(), "SELECT delivery_status, delivery_error_code FROM rows WHERE sid = ?", [
    sid,
  ]);
  return row!;
}

async function suppressed(): Promise<string[]> {
  const rows = await queryJournal<{ number: string }>(
    fx.journalPath(),
    "SELECT number FROM suppressions",
  );
  return rows.map((r) => r.number);
}

async function stop(listener: Listener, signal: NodeJS.Signals = "SIGTERM") {
  listener.child.kill(signal);
  return listener.exited;
}

describe("listen", () => {
  it("signs as twilio-node does", () => {
    const params = { MessageSid: "SM1", MessageStatus: "sent", AccountSid: "AC1", To: "+1 2" };
    const url = "https://hooks.example/status?run=3";
    expect(sign("token", url, params)).toBe(
      twilio.getExpectedTwilioSignature("token", url, params),
    );
  });

  it("records a signed callback in the journal row, and answers 204", async () => {
    const sim = await fx.simulator();
    const [sid] = await sentList(sim);
    const listener = await startListener(sim);
    const url = `${listener.url}/twilio/status`;
    const params = callback(sim, sid!, "delivered");
    const response = await post(url, params, sign(sim.authToken, url, params));
    expect(response.status).toBe(204);
    expect(await delivery(sid!)).toEqual({
      delivery_status: "delivered",
      delivery_error_code: null,
    });
    const result = await stop(listener);
    expect(result.code).toBe(143);
    expect(result.stdout).toMatch(/204 SM[0-9a-f]{32} delivered: recorded for run 1 row 1/);
    expect(result.stdout + result.stderr).not.toContain(sim.authToken);
    expect(result.stderr).toMatch(/Stopped: 1 statuses recorded/);
  });

  it("refuses unsigned, forged, other-URL and other-account callbacks with 403", async () => {
    const sim = await fx.simulator();
    const [sid] = await sentList(sim);
    const listener = await startListener(sim);
    const url = `${listener.url}/status`;
    const params = callback(sim, sid!, "delivered");
    const forged = sign("not-the-token", url, params);
    const otherUrl = sign(sim.authToken, `${listener.url}/elsewhere`, params);
    const otherAccount = { ...params, AccountSid: `AC${"9".repeat(32)}` };
    const answers = [
      (await post(url, params)).status,
      (await post(url, params, forged)).status,
      (await post(url, params, otherUrl)).status,
      (await post(url, otherAccount, sign(sim.authToken, url, otherAccount))).status,
      // Signed, then a field changed on the way.
      (await post(url, { ...params, MessageStatus: "failed" }, sign(sim.authToken, url, params)))
        .status,
    ];
    expect(answers).toEqual([403, 403, 403, 403, 403]);
    expect((await delivery(sid!)).delivery_status).toBeNull();
    const result = await stop(listener);
    expect(result.stdout).toMatch(/403 no X-Twilio-Signature/);
    expect(result.stdout).toMatch(/403 signature does not match/);
    expect(result.stdout).toMatch(/for another account/);
    expect(result.stdout).not.toContain(forged);
  });

  it("never lets a late, older status overwrite a final one", async () => {
    const sim = await fx.simulator();
    const [sid] = await sentList(sim);
    const listener = await startListener(sim);
    const url = `${listener.url}/status`;
    for (const status of ["sent", "delivered", "sending", "queued", "sent", "undelivered"]) {
      const params = callback(sim, sid!, status);
      expect((await post(url, params, sign(sim.authToken, url, params))).status).toBe(204);
    }
    expect((await delivery(sid!)).delivery_status).toBe("delivered");
    const result = await stop(listener);
    expect(result.stdout).toMatch(/sent: run 1 row 1 already has a later status/);
    expect(result.stderr).toMatch(/2 statuses recorded, 4 older than the journal's/);
  });

  it("suppresses the number of an undelivered 30006 (landline), as status does", async () => {
    const sim = await fx.simulator();
    const [, sid] = await sentList(sim);
    const listener = await startListener(sim);
    const url = `${listener.url}/status`;
    const params = callback(sim, sid!, "undelivered", 30006);
    expect((await post(url, params, sign(sim.authToken, url, params))).status).toBe(204);
    expect(await delivery(sid!)).toEqual({
      delivery_status: "undelivered",
      delivery_error_code: 30006,
    });
    expect(await suppressed()).toEqual(["+12025550106"]);
    const result = await stop(listener, "SIGINT");
    expect(result.code).toBe(130);
    expect(result.stdout).toMatch(/undelivered 30006: recorded for run 1 row 2; number suppressed/);
  });

  it("answers 200 to a signed callback for a message the journal does not know, and writes nothing", async () => {
    const sim = await fx.simulator();
    await sentList(sim);
    const listener = await startListener(sim);
    const url = `${listener.url}/status`;
    const params = callback(sim, `SM${"0".repeat(32)}`, "delivered");
    expect((await post(url, params, sign(sim.authToken, url, params))).status).toBe(200);
    const result = await stop(listener);
    expect(result.stdout).toMatch(/200 SM0{32} delivered: no run in this journal sent it; ignored/);
    expect(result.stderr).toMatch(/1 for messages not in the journal/);
  });

  it("checks signatures against --public-url, the address Twilio called", async () => {
    const sim = await fx.simulator();
    const [sid] = await sentList(sim);
    const listener = await startListener(sim, ["--public-url", "https://hooks.example/tw"]);
    const params = callback(sim, sid!, "sent");
    const publicSig = sign(sim.authToken, "https://hooks.example/tw/status?run=1", params);
    const localSig = sign(sim.authToken, `${listener.url}/status?run=1`, params);
    expect((await post(`${listener.url}/status?run=1`, params, localSig)).status).toBe(403);
    expect((await post(`${listener.url}/status?run=1`, params, publicSig)).status).toBe(204);
    const rootSig = sign(sim.authToken, "https://hooks.example/tw", params);
    expect((await post(`${listener.url}/`, params, rootSig)).status).toBe(204);
    expect((await delivery(sid!)).delivery_status).toBe("sent");
    await stop(listener);
  });

  it("never prints the password of a --public-url that carries one", async () => {
    const sim = await fx.simulator();
    await sentList(sim);
    const listener = await startListener(sim, [
      "--public-url",
      "https://bob:hunter2@hooks.example/tw",
    ]);
    const result = await stop(listener);
    expect(result.stderr).toContain(
      "signatures checked as https://***@hooks.example/tw (--public-url)",
    );
    expect(`${result.stdout}${result.stderr}`).not.toContain("hunter2");
  });

  it("answers 400 to a signed request that is not a status callback, 405 to a GET", async () => {
    const sim = await fx.simulator();
    await sentList(sim);
    const listener = await startListener(sim);
    const url = `${listener.url}/status`;
    const params = { AccountSid: sim.accountSid, Body: "hello" };
    expect((await post(url, params, sign(sim.authToken, url, params))).status).toBe(400);
    expect((await fetch(url)).status).toBe(405);
    await stop(listener);
  });

  it("needs the auth token, and says why an API key is not enough (exit 78)", async () => {
    const sim = await fx.simulator();
    await sentList(sim);
    const result = await runCli(["listen", "--port", "0"], {
      env: fx.env(sim, {
        TWILIO_AUTH_TOKEN: undefined,
        TWILIO_API_KEY: `SK${"1".repeat(32)}`,
        TWILIO_API_SECRET: "secret",
      }),
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/signs status callbacks with the account's auth token/);
  });
});
