import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@gov/merkle",
    // Every size 1..64 with every index and pair: seconds on a busy 2-core machine.
    testTimeout: 60_000,
  },
});
