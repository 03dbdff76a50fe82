import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@gov/testing",
    // The local Apache Kafka broker (scripts/kafka), unless KAFKA_BROKERS points at a cluster.
    globalSetup: ["./src/kafka-global-setup.ts"],
    // The broker test starts a JVM of its own.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
