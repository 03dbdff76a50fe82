import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { Registry } from "prom-client";
import { expect, it, vi } from "vitest";
import { registerLagMetric } from "../metrics.ts";
import { newEvent } from "../testing/bus-contract.ts";
import { EmbeddedEventBus } from "./embedded-bus.ts";

it("exposes each group's lag as a Prometheus gauge that falls to 0 once the group has caught up", async () => {
  const t = await embeddedTestStore();
  const bus = new EmbeddedEventBus(t.store, t.store.checkpoints);
  const registry = new Registry();
  registerLagMetric(registry, bus);
  await t.store.append(
    "lagtest-1",
    [newEvent({ n: 1 }), newEvent({ n: 2 }), newEvent({ n: 3 })],
    "no-stream",
  );
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  await bus.subscribe({ groupId: "slow", topics: ["gov.test.lagtest.v1"], handle: () => gate });
  expect(await registry.metrics()).toContain('messaging_consumer_lag{group="slow"} 3');
  release();
  await vi.waitFor(async () =>
    expect(await registry.metrics()).toContain('messaging_consumer_lag{group="slow"} 0'),
  );
  await bus.close();
  await t.dispose();
});
