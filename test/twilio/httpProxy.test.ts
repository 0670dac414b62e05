import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../support/runCli.js";
import { closedPort, FROM, useSendFixture } from "../support/simulatorFixture.js";

// twilio-node's only proxy support is an https-proxy-agent it installs when HTTP_PROXY is set;
// our own agents must not replace it. A CONNECT-only proxy on 127.0.0.1 sees where the
// request was going and refuses the tunnel, so nothing leaves this machine.

const fx = useSendFixture();
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function refusingProxy(): Promise<{ url: string; connects: string[] }> {
  const connects: string[] = [];
  const server = createServer((socket) => {
    socket.once("data", (chunk: Buffer) => {
      connects.push(chunk.toString("latin1").split("\r\n")[0] ?? "");
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    socket.on("error", () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return { url: `http://127.0.0.1:${address.port}`, connects };
}

describe("HTTP_PROXY", () => {
  it("sends https requests through the proxy twilio-node sets up", async () => {
    const proxy = await refusingProxy();
    // An https origin nothing listens on: only the proxy can have been asked to reach it.
    const port = await closedPort();
    const list = fx.file("list.csv", "to,body\n+12025551000,hi\n");
    const result = await runCli(
      [
        "send",
        list,
        "--from",
        FROM,
        "--max-attempts",
        "1",
        "--api-url",
        `https://127.0.0.1:${port}`,
      ],
      {
        env: {
          HOME: fx.dir(),
          TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
          TWILIO_AUTH_TOKEN: "token",
          TWILIO_BULK_JOURNAL: fx.journalPath(),
          HTTP_PROXY: proxy.url,
        },
      },
    );
    expect(result.stderr).not.toMatch(/internal error/);
    expect(proxy.connects).toEqual([`CONNECT 127.0.0.1:${port} HTTP/1.1`]);
  });
});
