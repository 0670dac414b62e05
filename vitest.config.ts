import { defineConfig } from "vitest/config";

/**
 * The CLI tests that see the journal only through the commands and test/support's readJournal:
 * run a second time on a PostgreSQL journal, so the same commands are shown to give the same
 * outputs and exit codes on both (the rest read or write the SQLite file itself, or test
 * SQLite's own behaviour). The journal's operations run on both in test/journal.
 */
const ON_BOTH_BACKENDS = [
  "test/resume/runIdentity.test.ts",
  "test/resume/editedList.test.ts",
  "test/resume/runsCommand.test.ts",
  "test/report/csvRoundTrip.test.ts",
  "test/report/report.test.ts",
  "test/suppress/suppress.test.ts",
  "test/cli/stdin.test.ts",
  "test/cli/exitCodes.test.ts",
  "test/operations/mixedList.test.ts",
  "test/operations/lookup.test.ts",
  "test/operations/outcomes.test.ts",
  "test/operations/verifyStudio.test.ts",
  "test/operations/runDefaults.test.ts",
  "test/operations/messages.test.ts",
  "test/send/dryRunRows.test.ts",
  "test/send/outcomes.test.ts",
  "test/send/statusCallback.test.ts",
  "test/send/senders.test.ts",
  "test/send/preflight.test.ts",
  "test/retry/retry.test.ts",
  "test/status/status.test.ts",
  "test/listen/listen.test.ts",
];

export default defineConfig({
  test: {
    // One throwaway PostgreSQL for the whole run: tests ask test/support/postgres.ts for a database.
    globalSetup: ["test/support/postgresGlobalSetup.ts"],
    // Child-process and kill tests run real processes; the 2-core CI machine needs headroom.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    // CI reads the counts from this report to print its one plain closing line.
    reporters: process.env.CI
      ? ["default", ["json", { outputFile: ".tmp/vitest-report.json" }]]
      : ["default"],
    projects: [
      { extends: true, test: { name: "sqlite", include: ["test/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "postgres",
          include: ON_BOTH_BACKENDS,
          env: { TWILIO_BULK_TEST_BACKEND: "postgres" },
        },
      },
    ],
  },
});
