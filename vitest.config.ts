import { defineConfig } from "vitest/config";

// One vitest run for the whole workspace: every package and service is a project, so that shared
// global set-up (real backends such as the local Kafka broker) starts once per run.
export default defineConfig({
  test: {
    projects: ["packages/*", "services/*"],
    reporters: process.env.VITEST_JSON_REPORT
      ? ["default", ["json", { outputFile: process.env.VITEST_JSON_REPORT }]]
      : ["default"],
  },
});
