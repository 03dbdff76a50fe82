import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { openSqliteEventStore } from "@gov/eventsourcing/sqlite";
import { dropSchema, freshSchema, openTestStore, probePostgres } from "@gov/eventsourcing/testing/postgres";
import { kafkaBrokers, probeKafka, tempDir, useBackend } from "@gov/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runRelay } from "../relay/relay.ts";
import { spawnChild } from "../testing/children/spawn.ts";
import { appendMany, DeliveryLedger } from "../testing/load.ts";
import { connectPlatformatic } from "./connect.ts";

// The kafkajs adapter's crash suites (relay-crash, consumer-crash) run with this client's children.
/** The crash tests' child processes, on this client. */
const platformatic = { KAFKA_CLIENT: "platformatic" };
const kafkaUp = await probeKafka();
const runRelayCrash =
  useBackend("kafka", "relay crash and lease (@platformatic/kafka)", kafkaUp) &&
  useBackend("postgres", "relay crash and lease (@platformatic/kafka)", await probePostgres());
const runConsumerCrash = useBackend("kafka", "consumer crash (@platformatic/kafka)", kafkaUp);

describe("@platformatic/kafka processes SIGKILLed mid-run", () => {
  const schema = freshSchema("relay_crash_pk");
  const kafka = connectPlatformatic({ brokers: kafkaBrokers(), clientId: "crash-test-platformatic" });
  afterAll(async () => {
    await kafka.close();
    if (runRelayCrash) await dropSchema(schema);
  });

  it.skipIf(!runRelayCrash)(
    "relay: only the lease holder publishes; SIGKILLed mid-run, the standby takes over and every event arrives",
    async () => {
      const store = await openTestStore(schema);
      const category = `rp${randomUUID().slice(0, 8)}`;
      const ids = await appendMany(store, category, { streams: 40, perStream: 100, batch: 50, bytes: 1000 });
      const ledger = new DeliveryLedger();
      const sub = await kafka.bus.subscribe({
        groupId: `relay-crash-${category}`,
        topics: [`gov.test.${category}.v1`],
        handle: (e) => ledger.add(e.id),
      });
      const brokers = kafkaBrokers().join(",");
      const a = spawnChild("relay-child.ts", [schema, brokers, "50"], platformatic);
      const b = spawnChild("relay-child.ts", [schema, brokers, "50"], platformatic);
      await vi.waitFor(() => expect(a.published + b.published).toBeGreaterThan(0), {
        timeout: 60_000,
        interval: 5,
      });
      const [active, standby] = a.published > 0 ? [a, b] : [b, a];
      const killed = await active.kill("SIGKILL");
      expect(killed.signal).toBe("SIGKILL");
      const atKill = active.published;
      expect(atKill).toBeLessThan(ids.length); // really mid-run
      expect(standby.published).toBe(0); // one publisher at a time
      await vi.waitFor(() => expect(ledger.unique).toBe(ids.length), { timeout: 90_000, interval: 100 });
      expect(ledger.missing(ids)).toEqual([]);
      expect(standby.published).toBeGreaterThan(0);
      expect(ledger.duplicates).toBeLessThanOrEqual(50); // the page in flight at the kill, at most
      process.stdout.write(
        `relay crash (@platformatic/kafka): ${ids.length} events, killed after ${atKill} acknowledged, standby published ${standby.published}, duplicates ${ledger.duplicates}\n`,
      );
      await standby.kill("SIGTERM");
      await sub.stop();
      await store.close();
    },
  );

  it.skipIf(!runConsumerCrash)(
    "consumer: SIGKILLed right after committing an effect, restarted, every effect exists exactly once",
    async () => {
      const store = openSqliteEventStore({
        path: join(tempDir("crash-store-"), "events.db"),
        pollMs: 20,
      });
      const category = `cp${randomUUID().slice(0, 8)}`;
      const ids = await appendMany(store, category, { streams: 10, perStream: 30 });
      const controller = new AbortController();
      const relay = runRelay({
        store,
        checkpoints: store.checkpoints,
        publisher: kafka.publisher,
        owner: "test",
        signal: controller.signal,
      });
      const file = join(tempDir("consumer-crash-"), "read-model.db");
      const args = ["kafka", kafkaBrokers().join(","), `gov.test.${category}.v1`, `crash-${category}`, file];
      const first = spawnChild("consumer-child.ts", args, { ...platformatic, CRASH_AFTER: "100" });
      expect((await first.exited).signal, first.stderr).toBe("SIGKILL");
      const second = spawnChild("consumer-child.ts", args, platformatic);
      const db = new DatabaseSync(file);
      const count = (sql: string) => (db.prepare(sql).get() as { c: number }).c;
      await vi.waitFor(() => expect(count("SELECT COUNT(*) AS c FROM effects")).toBe(ids.length), {
        timeout: 90_000,
        interval: 100,
      });
      await second.kill("SIGTERM");
      expect(count("SELECT COUNT(DISTINCT event_id) AS c FROM effects")).toBe(ids.length);
      // The 100th event was applied but never acknowledged: it (at least) was delivered again, and absorbed.
      const redelivered = count("SELECT COUNT(*) AS c FROM deliveries") - ids.length;
      expect(redelivered).toBeGreaterThan(0);
      expect(count("SELECT COUNT(DISTINCT pid) AS c FROM effects")).toBe(2);
      db.close();
      process.stdout.write(
        `consumer crash (@platformatic/kafka): ${ids.length} events applied once, ${redelivered} redeliveries absorbed\n`,
      );
      controller.abort();
      await relay;
      await store.close();
    },
  );
});
