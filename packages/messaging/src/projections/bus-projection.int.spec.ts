import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { ProjectionDatabase } from "@gov/eventsourcing/projections";
import { openPostgresProjectionDatabase } from "@gov/eventsourcing/projections/postgres";
import { openSqliteProjectionDatabase } from "@gov/eventsourcing/projections/sqlite";
import { embeddedTestStore } from "@gov/eventsourcing/testing";
import {
  dropSchema,
  freshSchema,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import { kafkaBrokers, probeKafka, tempDir, useBackend } from "@gov/testing";
import { afterEach, describe, expect, it } from "vitest";
import { connectKafkaClient, kafkaClients } from "../connect-client.ts";
import { EmbeddedEventBus } from "../embedded/embedded-bus.ts";
import type { EventBus } from "../event-bus.ts";
import { runRelay } from "../relay/relay.ts";
import { newEvent } from "../testing/bus-contract.ts";
import { type BusProjection, type BusProjectionHandle, startBusProjection } from "./bus-projection.ts";

/** A deliberately non-idempotent copy: every event adds a row and bumps a total (a double or a gap shows). */
function countingCopy(topic: string, applied: { n: number }): BusProjection {
  const ddl = (t: (n: string) => string) =>
    `CREATE TABLE ${t("seen")} (event_id TEXT NOT NULL, n INTEGER NOT NULL);
     CREATE TABLE ${t("totals")} (k TEXT PRIMARY KEY, n INTEGER NOT NULL);
     INSERT INTO ${t("totals")} VALUES ('all', 0);`;
  return {
    name: "test_copy",
    version: 1,
    topics: [topic],
    migrations: [{ sqlite: ddl, postgres: ddl }],
    handlers: {
      "gov.test.thing.happened.v1": async (e, { tx, t }) => {
        applied.n += 1;
        await tx.run(`INSERT INTO ${t("seen")} (event_id, n) VALUES (?, ?)`, [
          e.id,
          (e.data as { n: number }).n,
        ]);
        await tx.run(`UPDATE ${t("totals")} SET n = n + 1 WHERE k = 'all'`);
      },
    },
  };
}

async function model(p: BusProjectionHandle) {
  return p.read(async ({ db, t }) => {
    const rows = await db.all<{ event_id: string; n: number }>(
      `SELECT event_id, n FROM ${t("seen")} ORDER BY n`,
    );
    const total = await db.get<{ n: number }>(`SELECT n FROM ${t("totals")} WHERE k = 'all'`);
    return {
      ns: rows.map((r) => Number(r.n)),
      distinct: new Set(rows.map((r) => r.event_id)).size,
      total: total?.n,
    };
  });
}

/** A bus over one store, closed and opened again as a restarted process would. */
interface Harness {
  openBus(): Promise<{ bus: EventBus; close(): Promise<void> }>;
  append(from: number, to: number): Promise<void>;
  openDb(): Promise<ProjectionDatabase>;
  dispose(): Promise<void>;
}

function describeBusProjection(name: string, makeHarness: () => Promise<Harness>) {
  describe(`bus projection (${name})`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanup.splice(0).reverse()) await c();
    });
    const start = async (h: Harness, p: BusProjection, crashOn?: (n: number) => boolean) => {
      const { bus, close } = await h.openBus();
      const db = await h.openDb();
      const crashed = new Set<number>();
      const delivered = { n: 0 };
      const handle = await startBusProjection(bus, db, p, {
        afterCommit: () => {
          delivered.n += 1;
        },
        beforeOffset: (e) => {
          const n = (e.data as { n: number }).n;
          // The first try of a chosen event dies after its rows, before its offset.
          if (crashOn?.(n) && !crashed.has(n)) {
            crashed.add(n);
            throw new Error("injected crash");
          }
        },
      });
      const stop = async () => {
        await handle.close();
        await close();
        await db.close();
      };
      cleanup.push(stop);
      return { handle, stop, crashed, delivered };
    };

    it("a crash between an event's rows and its offset neither doubles nor loses it; a restart resumes from the stored offsets", async () => {
      const h = await makeHarness();
      cleanup.push(() => h.dispose());
      const topic = (h as Harness & { topic: string }).topic;
      const applied = { n: 0 };
      await h.append(0, 30);
      const first = await start(h, countingCopy(topic, applied), (n) => n % 7 === 3);
      await expect.poll(async () => (await model(first.handle)).total, { timeout: 60_000 }).toBe(30);
      expect(first.crashed.size).toBe(4); // 3, 10, 17, 24: each rolled back once, then applied
      await expect.poll(() => first.handle.lag(), { timeout: 60_000 }).toBe(0);
      const m = await model(first.handle);
      expect(m.ns).toEqual([...Array(30).keys()]);
      expect(m.distinct).toBe(30);
      await first.stop();
      cleanup.splice(cleanup.indexOf(first.stop), 1);
      // Restart: the events already in the tables are not handled again, the new ones are, once each.
      applied.n = 0;
      await h.append(30, 40);
      const second = await start(h, countingCopy(topic, applied));
      await expect.poll(async () => (await model(second.handle)).total, { timeout: 60_000 }).toBe(40);
      await expect.poll(() => second.handle.lag(), { timeout: 60_000 }).toBe(0);
      expect(applied.n).toBe(10);
      // Nothing was read again from the start of the topic: the ten new events were all that came.
      expect(second.delivered.n).toBe(10);
      expect((await model(second.handle)).ns).toEqual([...Array(40).keys()]);
      expect(second.handle.groupId).toBe(first.handle.groupId);
      await second.handle.readiness.check();
    });
  });
}

const sqliteDb = () => {
  const path = join(tempDir("bus-proj-"), "copies.db");
  return async () => openSqliteProjectionDatabase({ path });
};
const uid = () => randomUUID().replaceAll("-", "").slice(0, 10);

describeBusProjection("embedded bus", async () => {
  const t = await embeddedTestStore();
  const category = `c${uid()}`;
  return {
    topic: `gov.test.${category}.v1`,
    openDb: sqliteDb(),
    openBus: async () => {
      const bus = new EmbeddedEventBus(t.store, t.store.checkpoints);
      return { bus, close: () => bus.close() };
    },
    append: async (from, to) => {
      for (let n = from; n < to; n++)
        await t.store.append(`${category}-${n}`, [newEvent({ n })], "no-stream");
    },
    dispose: () => t.dispose(),
  } as Harness & { topic: string };
});

if (useBackend("postgres", "bus projection, PostgreSQL tables", await probePostgres()))
  describeBusProjection("embedded bus, tables in PostgreSQL", async () => {
    const schema = freshSchema("bus_proj");
    const cs = testConnectionString();
    const t = await embeddedTestStore();
    const category = `c${uid()}`;
    return {
      topic: `gov.test.${category}.v1`,
      openDb: () => openPostgresProjectionDatabase({ ...(cs ? { connectionString: cs } : {}), schema }),
      openBus: async () => {
        const bus = new EmbeddedEventBus(t.store, t.store.checkpoints);
        return { bus, close: () => bus.close() };
      },
      append: async (from, to) => {
        for (let n = from; n < to; n++)
          await t.store.append(`${category}-${n}`, [newEvent({ n })], "no-stream");
      },
      dispose: async () => {
        await t.dispose();
        await dropSchema(schema);
      },
    } as Harness & { topic: string };
  });

const kafka = useBackend("kafka", "bus projection on Kafka", await probeKafka());
for (const client of kafkaClients)
  describe.skipIf(!kafka)(client, () => {
    describeBusProjection(`Kafka, ${client}`, async () => {
      const t = await embeddedTestStore();
      const category = `c${uid()}`;
      const relayConn = connectKafkaClient({
        brokers: kafkaBrokers(),
        clientId: `bus-proj-relay-${client}`,
        client,
      });
      const controller = new AbortController();
      const relay = runRelay({
        store: t.store,
        checkpoints: t.store.checkpoints,
        publisher: relayConn.publisher,
        owner: "test",
        signal: controller.signal,
      });
      return {
        topic: `gov.test.${category}.v1`,
        openDb: sqliteDb(),
        openBus: async () => {
          const c = connectKafkaClient({ brokers: kafkaBrokers(), clientId: `bus-proj-${client}`, client });
          return { bus: c.bus, close: () => c.close() };
        },
        append: async (from, to) => {
          for (let n = from; n < to; n++)
            await t.store.append(`${category}-${n}`, [newEvent({ n }, `case-${n % 3}`)], "no-stream");
        },
        dispose: async () => {
          controller.abort();
          await relay;
          await relayConn.close();
          await t.dispose();
        },
      } as Harness & { topic: string };
    });
  });

it("a projection database thrown away starts a new consumer group, which reads the topics from the start", async () => {
  const t = await embeddedTestStore();
  const category = `c${uid()}`;
  const topic = `gov.test.${category}.v1`;
  for (let n = 0; n < 12; n++) await t.store.append(`${category}-${n}`, [newEvent({ n })], "no-stream");
  const bus = new EmbeddedEventBus(t.store, t.store.checkpoints);
  const run = async (openDb: () => Promise<ProjectionDatabase>) => {
    const db = await openDb();
    const p = await startBusProjection(bus, db, countingCopy(topic, { n: 0 }));
    await expect.poll(async () => (await model(p)).total, { timeout: 30_000 }).toBe(12);
    const groupId = p.groupId;
    await p.close();
    await db.close();
    return groupId;
  };
  try {
    const first = await run(sqliteDb());
    // The same store and bus, a new (empty) projection database: a group of its own, every event again.
    const second = await run(sqliteDb());
    expect(second).not.toBe(first);
  } finally {
    await bus.close();
    await t.dispose();
  }
});
