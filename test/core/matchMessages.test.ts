import { describe, expect, it } from "vitest";
import {
  type InDoubtAttempt,
  type ListedMessage,
  matchMessages,
} from "../../src/core/matchMessages.js";

const T0 = Date.parse("2024-05-01T10:00:00Z");
const MIN = 60_000;
const TO = "+12025550100";
const FROM = "+15005550006";
const MG = `MG${"a".repeat(32)}`;

const attempt = (extra: Partial<InDoubtAttempt> = {}): InDoubtAttempt => ({
  idx: 0,
  to: TO,
  from: FROM,
  messagingServiceSid: null,
  body: "Hi Ann",
  attemptAt: T0,
  ...extra,
});

const message = (sid: string, extra: Partial<ListedMessage> = {}): ListedMessage => ({
  sid,
  to: TO,
  from: FROM,
  messagingServiceSid: null,
  body: "Hi Ann",
  dateCreated: T0 + 1000,
  ...extra,
});

const options = { knownSids: new Set<string>(), skewMs: 5 * MIN, nowMs: T0 + 60 * MIN };

describe("matchMessages: one in-doubt row", () => {
  it.each<[string, ListedMessage[], string | null, string[]]>([
    ["no message at all", [], null, []],
    ["exactly one match", [message("SM1")], "SM1", []],
    [
      "several: the oldest is the row's, the others duplicates",
      [message("SM2", { dateCreated: T0 + 5000 }), message("SM1")],
      "SM1",
      ["SM2"],
    ],
    [
      "several in the same second: the later in Twilio's newest-first list is the older",
      [message("SM2"), message("SM1")],
      "SM1",
      ["SM2"],
    ],
    ["another recipient", [message("SM1", { to: "+12025550199" })], null, []],
    ["another sender", [message("SM1", { from: "+15005550009" })], null, []],
    ["created long before the attempt", [message("SM1", { dateCreated: T0 - 6 * MIN })], null, []],
    [
      "created a little before the attempt (clocks differ)",
      [message("SM1", { dateCreated: T0 - 4 * MIN })],
      "SM1",
      [],
    ],
    ["dated after now beyond the skew", [message("SM1", { dateCreated: T0 + 66 * MIN })], null, []],
    ["without a date", [message("SM1", { dateCreated: null })], "SM1", []],
    [
      "CRLF and trailing blanks in Twilio's copy",
      [message("SM1", { body: "Hi Ann \r\n" })],
      "SM1",
      [],
    ],
  ])("%s", (_title, listed, sid, duplicates) => {
    expect(matchMessages([attempt()], listed, options)).toEqual([{ idx: 0, sid, duplicates }]);
  });

  it("never takes a message created after its attempt could have ended", () => {
    const ended = attempt({ until: T0 + 5.5 * MIN });
    const late = message("SM2", { dateCreated: T0 + 6 * MIN });
    expect(matchMessages([ended], [late], options)).toEqual([
      { idx: 0, sid: null, duplicates: [] },
    ]);
    expect(matchMessages([ended], [late, message("SM1")], options)).toEqual([
      { idx: 0, sid: "SM1", duplicates: [] },
    ]);
  });

  it("never takes a message the journal already gives to another row", () => {
    const known = { ...options, knownSids: new Set(["SM1"]) };
    expect(matchMessages([attempt()], [message("SM1")], known)).toEqual([
      { idx: 0, sid: null, duplicates: [] },
    ]);
    expect(matchMessages([attempt()], [message("SM1"), message("SM2")], known)).toEqual([
      { idx: 0, sid: "SM2", duplicates: [] },
    ]);
  });
});

describe("matchMessages: senders", () => {
  it.each<[string, Partial<InDoubtAttempt>, Partial<ListedMessage>, boolean]>([
    [
      "a Messaging Service matches its messages, whatever number sent them",
      { from: null, messagingServiceSid: MG },
      { from: "+15005550010", messagingServiceSid: MG },
      true,
    ],
    [
      "a Messaging Service given as From is a Messaging Service",
      { from: MG },
      { from: "+15005550010", messagingServiceSid: MG },
      true,
    ],
    [
      "another Messaging Service does not match",
      { from: null, messagingServiceSid: MG },
      { from: null, messagingServiceSid: `MG${"b".repeat(32)}` },
      false,
    ],
    [
      "From and Messaging Service both given must both match",
      { messagingServiceSid: MG },
      { messagingServiceSid: null },
      false,
    ],
  ])("%s", (_title, asked, listed, found) => {
    const [match] = matchMessages([attempt(asked)], [message("SM1", listed)], options);
    expect(match?.sid).toBe(found ? "SM1" : null);
  });
});

describe("matchMessages: what the list cannot settle", () => {
  it("another text from the row's sender in its window is no match, but keeps it in doubt", () => {
    expect(matchMessages([attempt()], [message("SM1", { body: "Hi Bob" })], options)).toEqual([
      { idx: 0, sid: null, duplicates: [], unexplained: ["SM1"] },
    ]);
    // Outside its window, or from another sender, it says nothing about the row.
    const late = message("SM1", { body: "Hi Bob", dateCreated: T0 + 20 * MIN });
    const other = message("SM2", { body: "Hi Bob", from: "+15005550009" });
    const row = attempt({ until: T0 + 6 * MIN });
    expect(matchMessages([row], [late, other], options)).toEqual([
      { idx: 0, sid: null, duplicates: [] },
    ]);
    // Another run's row that asked for that text accounts for it.
    const elsewhere = [{ ...attempt({ body: "Hi Bob" }), runId: 1 }];
    expect(
      matchMessages([attempt()], [message("SM1", { body: "Hi Bob" })], { ...options, elsewhere }),
    ).toEqual([{ idx: 0, sid: null, duplicates: [] }]);
  });

  it("a template row takes the rendered text Twilio lists, from its sender in its window", () => {
    const row = attempt({ body: "", template: `HX${"1".repeat(32)}\u0000{"1":"Ann"}` });
    const listed = [message("SM1", { body: "Your code for Ann is ready" })];
    expect(matchMessages([row], listed, options)).toEqual([{ idx: 0, sid: "SM1", duplicates: [] }]);
    // A row with a body beside it in the same window: either could own it.
    const plain = attempt({ idx: 1, body: "Your code for Ann is ready" });
    expect(matchMessages([row, plain], listed, options)).toEqual([
      { idx: 0, sid: null, duplicates: [], ambiguous: ["SM1"] },
      { idx: 1, sid: null, duplicates: [], ambiguous: ["SM1"] },
    ]);
  });

  it("another run's row asking for the same message keeps both in doubt, never a duplicate", () => {
    const elsewhere = [{ ...attempt({ idx: 0, attemptAt: T0 + 2000 }), runId: 1 }];
    const listed = [message("SM2", { dateCreated: T0 + 3000 }), message("SM1")];
    expect(matchMessages([attempt()], listed, { ...options, elsewhere })).toEqual([
      { idx: 0, sid: null, duplicates: [], ambiguous: ["SM1", "SM2"] },
    ]);
    // Outside the other run's window, the message is this row's alone.
    const before = [{ ...attempt({ attemptAt: T0 - 30 * MIN, until: T0 - 20 * MIN }), runId: 1 }];
    expect(matchMessages([attempt()], listed, { ...options, elsewhere: before })).toEqual([
      { idx: 0, sid: "SM1", duplicates: ["SM2"] },
    ]);
  });

  it("a row with a narrow window keeps its only message when a retried row's wide window holds it too", () => {
    // Row 1: first attempt at T0, retried 20 minutes later; row 2: one attempt at T0 + 1 min.
    const wide = attempt({ idx: 1, until: T0 + 20 * MIN + 5.5 * MIN });
    const narrow = attempt({ idx: 2, attemptAt: T0 + MIN, until: T0 + MIN + 5.5 * MIN });
    const listed = [
      message("SMlate", { dateCreated: T0 + 20 * MIN + 1000 }),
      message("SMearly", { dateCreated: T0 + MIN + 1000 }),
    ];
    expect(matchMessages([wide, narrow], listed, options)).toEqual([
      { idx: 1, sid: "SMlate", duplicates: [] },
      { idx: 2, sid: "SMearly", duplicates: [] },
    ]);
  });
});

describe("matchMessages: several rows", () => {
  it("matches rows to one number by body", () => {
    const rows = [attempt({ idx: 1, body: "a" }), attempt({ idx: 2, body: "b" })];
    const listed = [message("SMb", { body: "b" }), message("SMa", { body: "a" })];
    expect(matchMessages(rows, listed, options)).toEqual([
      { idx: 1, sid: "SMa", duplicates: [] },
      { idx: 2, sid: "SMb", duplicates: [] },
    ]);
  });

  it("gives rows asking for the same message one each, oldest first (--allow-duplicates)", () => {
    const rows = [attempt({ idx: 7, attemptAt: T0 + 2000 }), attempt({ idx: 3 })];
    const listed = [
      message("SM2", { dateCreated: T0 + 3000 }),
      message("SM1", { dateCreated: T0 + 1000 }),
    ];
    expect(matchMessages(rows, listed, options)).toEqual([
      { idx: 7, sid: "SM2", duplicates: [] },
      { idx: 3, sid: "SM1", duplicates: [] },
    ]);
  });

  it("puts extras on the row attempted last, whatever order the rows come in", () => {
    const rows = [attempt({ idx: 2, attemptAt: T0 + 2000 }), attempt({ idx: 1 })];
    const three = [
      message("SM1"),
      message("SM2", { dateCreated: T0 + 3000 }),
      message("SM3", { dateCreated: T0 + 4000 }),
    ];
    expect(matchMessages(rows, three, options)).toEqual([
      { idx: 2, sid: "SM2", duplicates: ["SM3"] },
      { idx: 1, sid: "SM1", duplicates: [] },
    ]);
  });

  it("leaves the row with no message left unmatched, and puts extras on the last row", () => {
    const rows = [attempt({ idx: 1 }), attempt({ idx: 2, attemptAt: T0 + 2000 })];
    expect(matchMessages(rows, [message("SM1")], options)).toEqual([
      { idx: 1, sid: "SM1", duplicates: [] },
      { idx: 2, sid: null, duplicates: [] },
    ]);
    const three = [
      message("SM1"),
      message("SM2", { dateCreated: T0 + 3000 }),
      message("SM3", { dateCreated: T0 + 4000 }),
    ];
    expect(matchMessages(rows, three, options)).toEqual([
      { idx: 1, sid: "SM1", duplicates: [] },
      { idx: 2, sid: "SM2", duplicates: ["SM3"] },
    ]);
  });
});
