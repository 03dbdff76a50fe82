import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { useBackend } from "@gov/testing";
import { describeEventBusContract } from "../testing/bus-contract.ts";
import { EmbeddedEventBus } from "./embedded-bus.ts";

// SQLite needs nothing but Node 24's built-in node:sqlite.
useBackend("sqlite", "embedded event bus", true);

describeEventBusContract("embedded bus on a SQLite store", async () => {
  const t = await embeddedTestStore();
  const bus = new EmbeddedEventBus(t.store, t.store.checkpoints);
  return {
    store: t.store,
    bus,
    async dispose() {
      await bus.close();
      await t.dispose();
    },
  };
});
