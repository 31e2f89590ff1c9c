import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Compiles the CLI that tests start as a child process (see testkit/build-cli.ts).
    globalSetup: ["testkit/build-cli.ts"],
    pool: "forks",
    // Most tests wait on CLI children and loopback servers, not on the CPU: two files at a time keep
    // both cores busy on the 2-core CI machine.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
