import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@gov/review-and-monitor",
    // The local Apache Kafka broker (scripts/kafka), unless KAFKA_BROKERS points at a cluster.
    globalSetup: ["../../packages/testing/src/kafka-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
