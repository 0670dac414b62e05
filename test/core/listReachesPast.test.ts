import { describe, expect, it } from "vitest";
import { listReachesPast } from "../../src/core/listReachesPast.js";

const FROM = 1000;

describe("listReachesPast", () => {
  it.each<[string, (number | null)[], boolean]>([
    ["nothing listed", [], false],
    ["all inside the window", [1300, 1200, 1100], false],
    ["a whole page older than the window at the end", [1300, 900, 800, 700], true],
    ["one older entry only (the order may not be strict)", [1300, 1200, 900], false],
    ["an entry inside the window after older ones", [1300, 900, 800, 1100], false],
    ["an undated entry among the older ones", [1300, 900, null, 800], false],
  ])("%s", (_, createdAts, expected) => {
    expect(listReachesPast(createdAts, FROM, 3)).toBe(expected);
  });
});
