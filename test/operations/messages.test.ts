import { describe, expect, it } from "vitest";
import { useSendFixture } from "../support/simulatorFixture.js";
import { apiRows, sendList } from "./apiFixture.js";

const fx = useSendFixture();

describe("messages", () => {
  it("sends a Content template over WhatsApp, the number normalised and the prefix kept", async () => {
    const sim = await fx.simulator();
    const list = fx.file(
      "wa.csv",
      `to,from,content_sid,content_variables\nwhatsapp:+1 (202) 555-0101,whatsapp:+15005550006,HX${"c".repeat(32)},"{""1"":""Ada""}"\n`,
    );
    const sent = await sendList(fx, sim, list);
    expect(sent.code, sent.stderr).toBe(0);
    const [row] = await apiRows(fx.journalPath());
    expect([row?.api, row?.state]).toEqual(["messages", "sent"]);
    expect(sim.messages().map((m) => [m.to, m.from])).toEqual([
      ["whatsapp:+12025550101", "whatsapp:+15005550006"],
    ]);
  });
});
