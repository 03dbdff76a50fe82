import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@gov/messaging",
    // The local Apache Kafka broker (scripts/kafka), unless KAFKA_BROKERS points at a cluster.
    globalSetup: ["../testing/src/kafka-global-setup.ts"],
    // Crash tests kill and restart real processes and brokers.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
