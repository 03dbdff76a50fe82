import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@gov/telemetry",
    testTimeout: 60_000,
  },
});
