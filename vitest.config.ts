import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
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
  },
});
