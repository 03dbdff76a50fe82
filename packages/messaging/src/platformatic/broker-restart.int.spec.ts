import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { openSqliteEventStore } from "@gov/eventsourcing/sqlite";
import { LocalKafkaBroker, tempDir, useBackend } from "@gov/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runRelay } from "../relay/relay.ts";
import { appendMany, DeliveryLedger } from "../testing/load.ts";
import { connectPlatformatic } from "./connect.ts";

// A broker of this suite's own (scripts/kafka on 19492/19493), so that stopping it leaves the shared one alone.
const broker = new LocalKafkaBroker(19492);
const available = await broker.start().then(
  () => true as const,
  (error: Error) => ({ reason: `could not start a broker of its own with scripts/kafka: ${error.message}` }),
);
const run = useBackend("kafka", "broker stopped and restarted (@platformatic/kafka)", available);

describe.skipIf(!run)(
  "@platformatic/kafka: the broker stopped and restarted under a running relay and consumer",
  () => {
    afterAll(async () => {
      await broker.dispose(); // stops it and removes its data folder
    });

    it("loses nothing and crashes nothing: the relay backs off, the consumer runs through it, every event arrives", async () => {
      const store = openSqliteEventStore({
        path: join(tempDir("restart-"), "events.db"),
      });
      const problems: string[] = [];
      const logger = {
        info() {},
        warn: (_o: object, msg: string) => void problems.push(msg),
        error: (_o: object, msg: string) => void problems.push(msg),
      };
      const kafka = connectPlatformatic({
        brokers: broker.brokers,
        clientId: "broker-restart-platformatic",
        logger,
      });
      const controller = new AbortController();
      let published = 0;
      const relay = runRelay({
        store,
        checkpoints: store.checkpoints,
        publisher: kafka.publisher,
        owner: "test",
        maxBackoffMs: 1000,
        signal: controller.signal,
        logger,
        onPublished: (n) => {
          published += n;
        },
      });
      const category = `bp${randomUUID().slice(0, 8)}`;
      const topic = `gov.test.${category}.v1`;
      const ids: string[] = [];
      const appendRound = async () => {
        ids.push(...(await appendMany(store, category, { streams: 5, perStream: 20 })));
      };
      // Rounds append to new streams of one category: `appendMany` names streams by index, so give each its own.
      let round = 0;
      const appendRoundOwn = async () => {
        ids.push(...(await appendMany(store, `${category}r${round++}`, { streams: 5, perStream: 20 })));
      };
      await appendRound();
      await vi.waitFor(() => expect(published).toBe(ids.length), { timeout: 30_000, interval: 50 });
      const ledger = new DeliveryLedger();
      const topics = [topic, ...Array.from({ length: 4 }, (_, r) => `gov.test.${category}r${r}.v1`)];
      // Every topic exists before the outage, so that the consumer is subscribed to all of them throughout.
      for (let r = 0; r < 4; r++) await kafka.topics.ensure([topics[r + 1] as string]);
      const sub = await kafka.bus.subscribe({
        groupId: `restart-${category}`,
        topics,
        handle: (e) => ledger.add(e.id),
      });
      await vi.waitFor(() => expect(ledger.unique).toBe(ids.length), { timeout: 60_000, interval: 100 });

      await broker.stop();
      for (let i = 0; i < 3; i++) await appendRoundOwn(); // appended while the broker is down
      const whileDown = published;
      await broker.start();
      await appendRoundOwn();
      await vi.waitFor(() => expect(published).toBeGreaterThanOrEqual(ids.length), {
        timeout: 90_000,
        interval: 100,
      });
      await vi.waitFor(() => expect(ledger.unique).toBe(ids.length), { timeout: 90_000, interval: 100 });
      expect(ledger.missing(ids)).toEqual([]);
      expect(whileDown).toBeLessThan(ids.length); // the outage was real: what was appended then waited for it
      await vi.waitFor(async () => expect(await sub.lag()).toBe(0), { timeout: 30_000, interval: 200 });
      process.stdout.write(
        `broker restart (@platformatic/kafka): ${ids.length} events, ${ids.length - whileDown} published after the outage began, all delivered to a consumer that ran through it (${ledger.duplicates} duplicates; logged: ${[...new Set(problems)].join(" | ") || "nothing"})\n`,
      );
      await sub.stop();
      controller.abort();
      await relay;
      await kafka.close();
      await store.close();
    });
  },
);
