import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most tests wait on CLI children and loopback servers, not on the CPU: two files at a time keep
    // both cores busy on the 2-core CI machine.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
