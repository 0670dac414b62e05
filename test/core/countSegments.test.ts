import { describe, expect, it } from "vitest";
import { countSegments } from "../../src/core/countSegments.js";

const ext = "€"; // GSM-7 extension table: two septets
const emoji = "😀"; // astral: a surrogate pair, two UTF-16 units

describe("countSegments", () => {
  it.each([
    ["empty (media only)", "", "GSM-7", 0, 0],
    ["one character", "a", "GSM-7", 1, 1],
    ["160 GSM-7", "a".repeat(160), "GSM-7", 160, 1],
    ["161 GSM-7", "a".repeat(161), "GSM-7", 161, 2],
    ["306 GSM-7", "a".repeat(306), "GSM-7", 306, 2],
    ["307 GSM-7", "a".repeat(307), "GSM-7", 307, 3],
    ["GSM-7 basic set", "Ça va? 5 £ à Ñoño ¿Sì! @ § Δ_ \n", "GSM-7", 31, 1],
    ["í is not GSM-7 (only ì is)", "Sí", "UCS-2", 2, 1],
    ["an extension char costs 2", `${ext}{}[]`, "GSM-7", 10, 1],
    ["80 euro signs fill one segment", ext.repeat(80), "GSM-7", 160, 1],
    ["81 euro signs need two", ext.repeat(81), "GSM-7", 162, 2],
    ["an escape pair is never split", `${"a".repeat(152)}{${"a".repeat(10)}`, "GSM-7", 164, 2],
    ["…and moves whole to the next part", `${"a".repeat(152)}${"{".repeat(77)}`, "GSM-7", 306, 3],
    ["70 UCS-2", "ж".repeat(70), "UCS-2", 70, 1],
    ["71 UCS-2", "ж".repeat(71), "UCS-2", 71, 2],
    ["134 UCS-2", "ж".repeat(134), "UCS-2", 134, 2],
    ["135 UCS-2", "ж".repeat(135), "UCS-2", 135, 3],
    ["one non-GSM char makes it all UCS-2", `${"a".repeat(69)}ж`, "UCS-2", 70, 1],
    ["an emoji is two units", emoji, "UCS-2", 2, 1],
    ["35 emoji fill one segment", emoji.repeat(35), "UCS-2", 70, 1],
    [
      "a surrogate pair is never split",
      `${"ж".repeat(66)}${emoji}${"ж".repeat(3)}`,
      "UCS-2",
      71,
      2,
    ],
    ["…and moves whole to the next part", `${"ж".repeat(66)}${emoji.repeat(34)}`, "UCS-2", 134, 3],
    ["ESC itself is not GSM-7", "\u001b", "UCS-2", 1, 1],
    ["lower-case ç is not GSM-7", "ç", "UCS-2", 1, 1],
  ] as const)("%s", (_, body, encoding, units, segments) => {
    expect(countSegments(body)).toEqual({ encoding, units, segments });
  });
});
