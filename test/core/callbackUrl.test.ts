import { describe, expect, it } from "vitest";
import { callbackUrl } from "../../src/core/callbackUrl.js";

describe("callbackUrl", () => {
  const via = (url: string) => ({ publicUrl: new URL(url) });
  it.each([
    ["/status", { host: "127.0.0.1:8080" }, "http://127.0.0.1:8080/status"],
    ["/status?run=3&x=%20", { host: "h.example" }, "http://h.example/status?run=3&x=%20"],
    ["/status", via("https://abc.ngrok.app"), "https://abc.ngrok.app/status"],
    ["/status?run=3", via("https://abc.ngrok.app/"), "https://abc.ngrok.app/status?run=3"],
    ["/status", via("https://example.com/hooks"), "https://example.com/hooks/status"],
    ["/status", via("https://example.com/hooks/"), "https://example.com/hooks/status"],
    ["/", via("https://example.com/hooks"), "https://example.com/hooks"],
    ["/?a=1", via("https://example.com/hooks/"), "https://example.com/hooks/?a=1"],
    ["/", via("https://example.com:8443"), "https://example.com:8443/"],
  ] as const)("%s via %o → %s", (target, how, expected) => {
    expect(callbackUrl(target, how)).toBe(expected);
  });
});
