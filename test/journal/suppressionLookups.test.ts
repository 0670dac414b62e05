import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Journal } from "../../src/journal/journal.js";
import { addSuppressions } from "../../src/journal/suppressionList.js";
import { SuppressionLookups } from "../../src/journal/suppressionLookups.js";
import { freshPostgresJournal, noPostgres } from "../support/postgres.js";
import { makeTempDir } from "../support/tempDir.js";

describe.each(["sqlite", "postgres"] as const)("suppression lookups on %s", (backend) => {
  describe.skipIf(backend === "postgres" && noPostgres())("", () => {
    let journal: Journal;
    let removeDir: () => void = () => {};

    beforeEach(async () => {
      if (backend === "postgres") {
        journal = await Journal.open(await freshPostgresJournal());
      } else {
        const dir = makeTempDir();
        removeDir = () => dir.remove();
        journal = await Journal.open(join(dir.path, "journal.db"));
      }
      await addSuppressions(journal, [
        { number: "+14155550001", code: 21610, reason: "opted out", runId: null },
        { number: "+14155550002", code: null, reason: "by hand", runId: null },
      ]);
    });
    afterEach(async () => {
      await journal.close();
      removeDir();
    });

    it("answers the numbers asked in one turn with one query", async () => {
      const lookups = new SuppressionLookups(journal);
      const queries = vi.spyOn(journal.sql, "all");
      const numbers = ["+14155550001", "+14155550009", "+14155550002", "+14155550001"];
      expect(await Promise.all(numbers.map((n) => lookups.reasonOf(n)))).toEqual([
        "opted out",
        undefined,
        "by hand",
        "opted out",
      ]);
      expect(queries).toHaveBeenCalledTimes(1);
    });

    it("asks afresh in a later turn", async () => {
      const lookups = new SuppressionLookups(journal);
      expect(await lookups.reasonOf("+14155550009")).toBeUndefined();
      await addSuppressions(journal, [
        { number: "+14155550009", code: null, reason: "later", runId: null },
      ]);
      expect(await lookups.reasonOf("+14155550009")).toBe("later");
    });
  });
});
