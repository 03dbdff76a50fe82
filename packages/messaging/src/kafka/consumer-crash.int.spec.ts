import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { openSqliteEventStore } from "@gov/eventsourcing/sqlite";
import { kafkaBrokers, probeKafka, tempDir, useBackend } from "@gov/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runRelay } from "../relay/relay.ts";
import { spawnChild, stopChildren } from "../testing/children/spawn.ts";
import { appendMany } from "../testing/load.ts";
import { connectKafka } from "./connect.ts";

const run = useBackend("kafka", "consumer crash (Kafka)", await probeKafka());
useBackend("sqlite", "consumer crash (embedded bus)", true);

/** Runs the consumer child, lets it SIGKILL itself after its 100th effect, restarts it, and checks the effects. */
async function crashAndRecover(kind: "kafka" | "embedded", where: string, topic: string, ids: string[]) {
  const dir = tempDir("consumer-crash-");
  const file = join(dir, "read-model.db");
  const group = `crash-${randomUUID().slice(0, 8)}`;
  const first = spawnChild("consumer-child.ts", [kind, where, topic, group, file], { CRASH_AFTER: "100" });
  const exit = await first.exited;
  expect(exit.signal, first.stderr).toBe("SIGKILL");
  const second = spawnChild("consumer-child.ts", [kind, where, topic, group, file]);
  const db = new DatabaseSync(file);
  const count = (sql: string) => (db.prepare(sql).get() as { c: number }).c;
  await vi.waitFor(() => expect(count("SELECT COUNT(*) AS c FROM effects")).toBe(ids.length), {
    timeout: 90_000,
    interval: 100,
  });
  await second.kill("SIGTERM");
  expect(count("SELECT COUNT(DISTINCT event_id) AS c FROM effects")).toBe(ids.length);
  // The 100th event was applied but never acknowledged: it (at least) was delivered again, and absorbed.
  const deliveries = count("SELECT COUNT(*) AS c FROM deliveries");
  expect(deliveries).toBeGreaterThan(ids.length);
  const pids = count("SELECT COUNT(DISTINCT pid) AS c FROM effects");
  expect(pids).toBe(2);
  db.close();
  return deliveries - ids.length;
}

describe("a consumer process SIGKILLed mid-handler: the effect happens once", () => {
  afterAll(stopChildren); // whatever a failed test left running
  it.skipIf(!run)("on Kafka", async () => {
    const dir = tempDir("crash-store-");
    const store = openSqliteEventStore({ path: join(dir, "events.db"), pollMs: 20 });
    const category = `cc${randomUUID().slice(0, 8)}`;
    const ids = await appendMany(store, category, { streams: 10, perStream: 30 });
    const kafka = connectKafka({ brokers: kafkaBrokers(), clientId: "consumer-crash-test" });
    const controller = new AbortController();
    const relay = runRelay({
      store,
      checkpoints: store.checkpoints,
      publisher: kafka.publisher,
      owner: "test",
      signal: controller.signal,
    });
    const redelivered = await crashAndRecover(
      "kafka",
      kafkaBrokers().join(","),
      `gov.test.${category}.v1`,
      ids,
    );
    process.stdout.write(
      `consumer crash (Kafka): ${ids.length} events applied once, ${redelivered} redeliveries absorbed\n`,
    );
    controller.abort();
    await relay;
    await kafka.close();
    await store.close();
  });

  it("on the embedded bus", async () => {
    const dir = tempDir("crash-store-");
    const path = join(dir, "events.db");
    const store = openSqliteEventStore({ path });
    const category = `ce${randomUUID().slice(0, 8)}`;
    const ids = await appendMany(store, category, { streams: 10, perStream: 30 });
    const redelivered = await crashAndRecover("embedded", path, `gov.test.${category}.v1`, ids);
    process.stdout.write(
      `consumer crash (embedded): ${ids.length} events applied once, ${redelivered} redeliveries absorbed\n`,
    );
    await store.close();
  });
});
