import { probePostgres } from "@gov/eventsourcing/testing/postgres";
import { LocalKafkaBroker, probeKafka, startCpuBurner, useBackend, usesOwnKafka } from "@gov/testing";
import { afterAll, beforeAll, describe } from "vitest";
import { startDistributed } from "./platform.ts";
import { describeScenarios } from "./scenarios.ts";

const suite = "end-to-end scenarios, distributed mode";
// The suite's own broker (scripts/kafka on free ports), unless KAFKA_BROKERS names the user's cluster. On the
// shared broker, other suites publish on the platform's topics (real topic names, other stores' cases), and a
// consumer group the broker has never seen reads its topics from the beginning: review-and-monitor retried
// approval cases its store never had until they reached the dead letters, and never became ready.
const broker = usesOwnKafka() ? undefined : new LocalKafkaBroker();
const kafka = broker
  ? await broker.start().then(
      () => true as const,
      (error: Error) => ({
        reason: `could not start a broker of its own with scripts/kafka: ${error.message}`,
      }),
    )
  : await probeKafka();
const run = useBackend("postgres", suite, await probePostgres()) && useBackend("kafka", suite, kafka);
describe.skipIf(!run)("distributed", () => {
  // A busy CI machine: CPU_BURN threads spin while the suite runs (1 under CI=true; CPU_BURN=0 turns it off).
  let burner: ReturnType<typeof startCpuBurner> | undefined;
  beforeAll(() => {
    burner = startCpuBurner();
  });
  afterAll(async () => {
    await burner?.stop();
    await broker?.dispose();
  }, 120_000);
  describeScenarios("distributed (a process per service, PostgreSQL, Kafka, gateway)", () =>
    startDistributed(broker ? { brokers: broker.brokers } : {}),
  );
});
