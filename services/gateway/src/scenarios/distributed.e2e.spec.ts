import { probePostgres } from "@gov/eventsourcing/testing/postgres";
import { probeKafka, useBackend } from "@gov/testing";
import { describe } from "vitest";
import { startDistributed } from "./platform.ts";
import { describeScenarios } from "./scenarios.ts";

const suite = "end-to-end scenarios, distributed mode";
const run =
  useBackend("postgres", suite, await probePostgres()) && useBackend("kafka", suite, await probeKafka());
describe.skipIf(!run)("distributed", () => {
  describeScenarios("distributed (a process per service, PostgreSQL, Kafka, gateway)", startDistributed);
});
