import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@gov/approval",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
