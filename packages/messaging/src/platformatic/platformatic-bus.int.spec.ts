import { randomUUID } from "node:crypto";
import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import { describe, expect, it, vi } from "vitest";
import { connectKafka } from "../kafka/connect.ts";
import { runRelay } from "../relay/relay.ts";
import { describeEventBusContract, newEvent } from "../testing/bus-contract.ts";
import { connectPlatformatic } from "./connect.ts";

const run = useBackend("kafka", "@platformatic/kafka event bus (behaviour suite)", await probeKafka());

describe.skipIf(!run)("@platformatic/kafka", () => {
  describeEventBusContract("@platformatic/kafka bus fed by the relay from a SQLite store", async () => {
    const t = await embeddedTestStore();
    const kafka = connectPlatformatic({ brokers: kafkaBrokers(), clientId: "bus-contract-platformatic" });
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

  it("interoperates with kafkajs: same partition per case id, and each client reads what the other wrote", async () => {
    const brokers = kafkaBrokers();
    const a = connectKafka({ brokers, clientId: "interop-kafkajs" });
    const b = connectPlatformatic({ brokers, clientId: "interop-platformatic" });
    const category = `io${randomUUID().slice(0, 8)}`;
    const topic = `gov.test.${category}.v1`;
    const t = await embeddedTestStore();
    const cases = Array.from({ length: 40 }, (_, i) => `A2026${String(i).padStart(6, "0")}`);
    // The same 40 case ids, once through each client's publisher.
    for (const [n, publisher] of [a.publisher, b.publisher].entries()) {
      for (const caseid of cases) {
        await t.store.append(`${category}-${n}-${caseid}`, [newEvent({ n }, caseid)], "no-stream");
      }
      const { events } = await t.store.readAll({ filter: { categories: [category] }, limit: 1000 });
      await publisher.publish(events.filter((e) => (e.data as { n: number }).n === n));
    }
    const seen = new Map<string, Map<string, number>>(); // reader → "<writer>/<case>" → partition
    const subs = await Promise.all(
      [
        ["kafkajs", a],
        ["platformatic", b],
      ].map(([reader, conn]) =>
        (conn as typeof a | typeof b).bus.subscribe({
          groupId: `interop-${reader as string}-${category}`,
          topics: [topic],
          handle: (e, d) => {
            const byReader = seen.get(reader as string) ?? new Map<string, number>();
            seen.set(reader as string, byReader);
            byReader.set(`${(e.data as { n: number }).n}/${e.caseid}`, d.partition as number);
          },
        }),
      ),
    );
    await vi.waitFor(
      () => {
        expect(seen.get("kafkajs")?.size).toBe(80);
        expect(seen.get("platformatic")?.size).toBe(80);
      },
      { timeout: 60_000, interval: 100 },
    );
    for (const reader of ["kafkajs", "platformatic"]) {
      const partitions = seen.get(reader) as Map<string, number>;
      for (const caseid of cases)
        expect(partitions.get(`1/${caseid}`), caseid).toBe(partitions.get(`0/${caseid}`));
    }
    expect(new Set(seen.get("platformatic")?.values()).size).toBe(3); // the keys are really spread
    await Promise.all(subs.map((s) => s.stop()));
    await a.close();
    await b.close();
    await t.dispose();
  });
});
