import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, runInProcess } from "../support/runCli.js";
import { csvList, FROM, readJournal, useSendFixture } from "../support/simulatorFixture.js";

// Where requests go: --api-url with a path prefix (a proxy in front of the API), the
// TWILIO_BULK_API_URL variable, and enough sockets for the concurrency asked for.

const fx = useSendFixture();

const proxies: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    proxies.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
});

/** A reverse proxy serving `target` under `prefix`, answering 404 to anything else. */
async function prefixProxy(
  prefix: string,
  target: string,
): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    paths.push(path);
    if (!path.startsWith(`${prefix}/`)) {
      res.writeHead(404).end();
      return;
    }
    const upstream = http.request(
      `${target}${path.slice(prefix.length)}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  proxies.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${prefix}`, paths };
}

describe("--api-url", () => {
  it("keeps a path prefix in front of Twilio's paths", async () => {
    const sim = await fx.simulator();
    const proxy = await prefixProxy("/gateway/twilio", sim.url);
    const result = await runInProcess(
      ["send", fx.file("list.csv", csvList(2)), "--from", FROM, "--rate", "1000"].concat([
        "--api-url",
        `${proxy.url}/`,
      ]),
      { env: fx.env(sim) },
    );

    expect(result.code).toBe(0);
    expect(sim.messages()).toHaveLength(2);
    expect(proxy.paths).toEqual([
      `/gateway/twilio/2010-04-01/Accounts/${sim.accountSid}/Messages.json`,
      `/gateway/twilio/2010-04-01/Accounts/${sim.accountSid}/Messages.json`,
    ]);
  });

  it("can be given as TWILIO_BULK_API_URL", async () => {
    const sim = await fx.simulator();
    const list = fx.file("list.csv", csvList(2));
    const result = await runCli(["send", list, "--from", FROM, "--rate", "1000"], {
      env: fx.env(sim, { TWILIO_BULK_API_URL: sim.url }),
    });

    expect(result.code).toBe(0);
    expect(sim.messages()).toHaveLength(2);
  });

  it("must be an http(s) URL (exit 64)", async () => {
    const result = await runCli(["send", "list.csv", "--api-url", "not a url"], {
      cwd: fx.dir(),
    });

    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/--api-url/);
  });
});

describe("the socket pool", () => {
  it("holds as many requests in flight as --concurrency, beyond twilio-node's 20", async () => {
    // The simulator refuses the 21st request in progress with a 429. With every request held
    // 500 ms and 40 started within a few ms, only a pool of more than 20 sockets meets that
    // limit: a pool of 20 would queue the rest until an answer freed a socket.
    const sim = await fx.simulator({ concurrency: 20, latencyMs: 500 });
    const result = await runInProcess(
      ["send", fx.file("list.csv", csvList(40)), "--from", FROM, "--api-url", sim.url].concat([
        "--rate",
        "10000",
        "--burst",
        "40",
        "--concurrency",
        "40",
        "--max-attempts",
        "1",
      ]),
      { env: fx.env(sim) },
    );

    const refused = sim.creates().filter((c) => c.outcome === "429");
    expect(refused.length).toBeGreaterThan(0);
    expect(result.code).toBe(1);
    const { rows } = await readJournal(fx.journalPath());
    expect(rows.filter((r) => r.state === "failed" && r.error_code === 20429)).toHaveLength(
      refused.length,
    );
  });
});
