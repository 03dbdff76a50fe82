import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@gov/runtime",
    globalSetup: ["../testing/src/kafka-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
