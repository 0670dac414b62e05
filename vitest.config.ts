import { defineConfig } from "vitest/config";

/**
 * The behaviour tests that reach the journal only through the commands, Journal.open and
 * test/support's helpers (readJournal, queryJournal, changeJournal): run a second time on a
 * PostgreSQL journal, so the same commands are shown to give the same outputs and exit codes on
 * both. The rest test SQLite's own behaviour (the file, its WAL, its default path, SQLITE_BUSY,
 * one process per run) or no journal at all. The journal's operations run on both in test/journal.
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
  "test/reconcile/reconcile.test.ts",
  "test/reconcile/reconcileRows.test.ts",
  "test/resume/signals.test.ts",
  "test/resume/restartRate.test.ts",
  "test/resume/runLock.test.ts",
  "test/resume/killRandomly.test.ts",
  "test/quietHours/quietHold.test.ts",
  "test/quietHours/quietHours.test.ts",
  "test/send/apiUrl.test.ts",
  "test/send/confirmation.test.ts",
  "test/retry/exitCodes.test.ts",
  "test/retry/retryPaging.test.ts",
  "test/cli/brokenPipe.test.ts",
  "test/cli/closedStdout.test.ts",
  "test/cli/output.test.ts",
  "test/operations/calls.test.ts",
  "test/operations/reconcileMatching.test.ts",
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
