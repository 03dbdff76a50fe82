import { probePostgres } from "@gov/eventsourcing/testing/postgres";
import { probeKafka, startCpuBurner, useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe } from "vitest";
import { startDistributed } from "./platform.ts";
import { describeScenarios } from "./scenarios.ts";

const suite = "end-to-end scenarios, distributed mode";
const run =
  useBackend("postgres", suite, await probePostgres()) && useBackend("kafka", suite, await probeKafka());
describe.skipIf(!run)("distributed", () => {
  // A busy CI machine: CPU_BURN threads spin while the suite runs (1 under CI=true; CPU_BURN=0 turns it off).
  let burner: ReturnType<typeof startCpuBurner> | undefined;
  beforeAll(() => {
    burner = startCpuBurner();
  });
  afterAll(async () => {
    await burner?.stop();
  });
  describeScenarios("distributed (a process per service, PostgreSQL, Kafka, gateway)", () =>
    startDistributed(),
  );
});
