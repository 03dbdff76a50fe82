import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import { describe } from "vitest";
import { runRelay } from "../relay/relay.ts";
import { describeEventBusContract } from "../testing/bus-contract.ts";
import { connectKafka } from "./connect.ts";

const run = useBackend("kafka", "Kafka event bus (behaviour suite)", await probeKafka());

describe.skipIf(!run)("Kafka", () => {
  describeEventBusContract("Kafka bus fed by the relay from a SQLite store", async () => {
    const t = await embeddedTestStore();
    const kafka = connectKafka({ brokers: kafkaBrokers(), clientId: "bus-contract" });
    const controller = new AbortController();
    const relay = runRelay({
      store: t.store,
      checkpoints: t.store.checkpoints,
      publisher: kafka.publisher,
      owner: "test",
      signal: controller.signal,
    });
    return {
      store: t.store,
      bus: kafka.bus,
      async dispose() {
        controller.abort();
        await relay;
        await kafka.close();
        await t.dispose();
      },
    };
  });
});
