import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { openSqliteEventStore } from "@gov/eventsourcing/sqlite";
import { LocalKafkaBroker, tempDir, useBackend } from "@gov/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runRelay } from "../relay/relay.ts";
import { appendMany, DeliveryLedger } from "../testing/load.ts";
import { connectKafka } from "./connect.ts";

// Stopping a broker needs one this suite owns: its own scripts/kafka instance on a free pair of ports (also
// when KAFKA_BROKERS names a cluster), so that the broker the other suites use keeps running.
const broker = new LocalKafkaBroker();
const available = await broker.start().then(
  () => true as const,
  (error: Error) => ({ reason: `could not start a broker of its own with scripts/kafka: ${error.message}` }),
);
const run = useBackend("kafka", "broker stopped and restarted", available);

describe.skipIf(!run)("the broker stopped and restarted while events are appended", () => {
  afterAll(async () => {
    await broker.dispose();
  });

  it("loses nothing: the relay backs off, resumes by itself, and every event arrives", async () => {
    const store = openSqliteEventStore({ path: join(tempDir("restart-"), "events.db") });
    const kafka = connectKafka({ brokers: broker.brokers, clientId: "broker-restart-test" });
    const controller = new AbortController();
    let published = 0;
    const relay = runRelay({
      store,
      checkpoints: store.checkpoints,
      publisher: kafka.publisher,
      owner: "test",
      maxBackoffMs: 1000,
      signal: controller.signal,
      onPublished: (n) => {
        published += n;
      },
    });
    const category = `br${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    let round = 0;
    const appendRound = async () => {
      // Each round its own category (and topic): `<category><round>`.
      ids.push(...(await appendMany(store, `${category}${round++}`, { streams: 5, perStream: 20 })));
    };
    await appendRound();
    await vi.waitFor(() => expect(published).toBe(ids.length), { timeout: 30_000, interval: 50 });
    await broker.stop();
    for (let i = 0; i < 3; i++) await appendRound(); // appended while the broker is down
    const whileDown = published;
    await broker.start();
    await appendRound();
    await vi.waitFor(() => expect(published).toBeGreaterThanOrEqual(ids.length), {
      timeout: 90_000,
      interval: 100,
    });
    const ledger = new DeliveryLedger();
    const topics = Array.from({ length: round }, (_, r) => `gov.test.${category}${r}.v1`);
    const sub = await kafka.bus.subscribe({
      groupId: `restart-${category}`,
      topics,
      handle: (e) => ledger.add(e.id),
    });
    await vi.waitFor(() => expect(ledger.unique).toBe(ids.length), { timeout: 60_000, interval: 100 });
    expect(ledger.missing(ids)).toEqual([]);
    process.stdout.write(
      `broker restart: ${ids.length} events, ${ids.length - whileDown} published after the outage began, all delivered (${ledger.duplicates} duplicates)\n`,
    );
    await sub.stop();
    controller.abort();
    await relay;
    await kafka.close();
    await store.close();
  });
});
