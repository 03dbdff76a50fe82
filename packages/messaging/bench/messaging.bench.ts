/**
 * Messaging throughput and latency, in one run against one broker, printed as one table:
 *
 *   pnpm bench:messaging                  (BENCH_SCALE=0.5 for fewer events; KAFKA_BROKERS for your own cluster)
 *
 * Both Kafka clients run in the same run, against the same broker, in turn: kafkajs and @platformatic/kafka
 * (BENCH_CLIENTS=kafkajs or =platformatic for one of them). Relay pages of 500 (BENCH_PAGES=100,500,2000 for
 * several sizes).
 *
 * 1. Kafka's own producer tool (ProducerPerformance, Java client): N records of 1000 bytes to a fresh topic of
 *    3 partitions, acks=all, idempotent: the baseline. Needs the local launcher's jars (scripts/kafka).
 * 2. The relay: N events (1000 bytes of data each) already in a fresh store (SQLite file; PostgreSQL in a fresh
 *    schema when reachable), timed from runRelay's start until the broker acknowledged the last one, for
 *    several page sizes; events/s and the ratio to the producer tool.
 * 3. Append → handler latency at a moderate rate, one event per append as services append: store → relay →
 *    Kafka → KafkaEventBus handler, and store → EmbeddedEventBus handler for comparison.
 *
 * Cleans up what it creates (temporary files, the PostgreSQL schema, its topics and consumer groups), and
 * stops the local broker again if it had to start it.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CheckpointStore, EventStore } from "@gov/eventsourcing";
import { openPostgresEventStore } from "@gov/eventsourcing/postgres";
import { openSqliteEventStore } from "@gov/eventsourcing/sqlite";
import {
  dropSchema,
  freshSchema,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import {
  connectKafkaClient,
  type KafkaClientConnection,
  type KafkaClientName,
  kafkaClients,
} from "../src/connect-client.ts";
import { EmbeddedEventBus } from "../src/embedded/embedded-bus.ts";
import type { EventBus, EventPublisher } from "../src/event-bus.ts";
import { connectKafka } from "../src/kafka/connect.ts";
import type { MessagingLogger } from "../src/logging.ts";
import { runRelay } from "../src/relay/relay.ts";
import { benchBroker, type ProducerPerf, producerPerformance } from "./broker.ts";
import { benchEvent, DATA_BYTES, fill, messageBytes, percentile } from "./support.ts";

const scale = Number(process.env.BENCH_SCALE ?? "1");
const N = Math.max(1000, Math.round(50_000 * scale));
const PAGE_SIZES = (process.env.BENCH_PAGES ?? "500").split(",").map(Number);
const CLIENTS = (process.env.BENCH_CLIENTS ?? kafkaClients.join(","))
  .split(",")
  .map((c) => c.trim()) as KafkaClientName[];
for (const c of CLIENTS) if (!kafkaClients.includes(c)) throw new Error(`BENCH_CLIENTS: unknown client ${c}`);
const RATE = 300; // events/s for the latency rows
const SECONDS = Math.max(3, Math.round(10 * scale));
const WARMUP_SECONDS = 1;
const STALL_MS = 20_000; // a relay run without progress for this long is reported as stalled

// kafkajs 2.2.4 on Node 24 trips Node's TimeoutNegativeWarning (a harmless 1 ms timer); keep other warnings.
process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (w.name !== "TimeoutNegativeWarning") process.stderr.write(`${w.name}: ${w.message}\n`);
});
process.env.KAFKAJS_NO_PARTITIONER_WARNING = "1";

const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const started = Date.now();
const tag = randomUUID().slice(0, 8);
const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp() {
  for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    progress(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

interface Row {
  what: string;
  client: string;
  store: string;
  events: string;
  rate: string;
  ratio: string;
  p50: string;
  p95: string;
  p99: string;
  max: string;
}
const rows: Row[] = [];
const notes: string[] = [];
const dash = { client: "-", ratio: "-", p50: "-", p95: "-", p99: "-", max: "-" };
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => (Number.isNaN(n) ? "-" : n < 10 ? n.toFixed(1) : n.toFixed(0));

type BenchStore = EventStore & { checkpoints: CheckpointStore };
interface Target {
  name: string;
  open(): Promise<BenchStore>;
  /** Appends the setup events (SQLite: with synchronous=NORMAL, then reopened with the default FULL). */
  fill(category: string, count: number): Promise<void>;
  dispose(): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), "bench-messaging-"));
  const path = join(dir, "events.db");
  const open: BenchStore[] = [];
  return {
    name: "sqlite",
    open: async () => {
      const store = openSqliteEventStore({ path });
      open.push(store);
      return store;
    },
    fill: async (category, count) => {
      const setup = openSqliteEventStore({ path, synchronous: "NORMAL" });
      await fill(setup, category, count);
      await setup.close();
    },
    dispose: async () => {
      for (const s of open) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(): Promise<Target | string> {
  const up = await probePostgres();
  if (up !== true) return up.reason;
  const schema = freshSchema("bench_messaging");
  const cs = testConnectionString();
  const open: BenchStore[] = [];
  const openStore = async () => {
    const store = await openPostgresEventStore({ ...(cs ? { connectionString: cs } : {}), schema });
    open.push(store);
    return store;
  };
  return {
    name: "postgres",
    open: openStore,
    fill: async (category, count) => fill(open[0] ?? (await openStore()), category, count, 4),
    dispose: async () => {
      for (const s of open) await s.close();
      await dropSchema(schema);
    },
  };
}

const broker = await benchBroker();
cleanups.push(() => broker.stop());
// kafkajs's admin creates and deletes the bench's topics and groups; each client has its own connection.
const kafka = connectKafka({ brokers: broker.brokers, clientId: "bench-messaging", partitions: 3 });
cleanups.push(() => kafka.close());
const clients = new Map<KafkaClientName, KafkaClientConnection>();
for (const client of CLIENTS) {
  const connection = connectKafkaClient({
    client,
    brokers: broker.brokers,
    clientId: `bench-${client}`,
    partitions: 3,
  });
  clients.set(client, connection);
  cleanups.push(() => connection.close());
}
const topics: string[] = [];
const groups: string[] = [];
cleanups.push(async () => {
  const admin = await kafka.topics.admin();
  if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
});
async function freshTopic(name: string): Promise<string> {
  const topic = `gov.bench.${name}${tag}.v1`;
  await kafka.topics.ensure([topic]);
  topics.push(topic);
  return topic;
}

try {
  // 1. Kafka's own producer tool.
  const perfTopic = await freshTopic("producerperf");
  progress(`ProducerPerformance: ${N} records of ${DATA_BYTES} bytes`);
  const perf = await producerPerformance(broker.brokers, perfTopic, N, DATA_BYTES);
  const baseline = "reason" in perf ? undefined : perf.recordsPerSec;
  if ("reason" in perf) {
    rows.push({ what: "Kafka ProducerPerformance: skipped", store: "-", events: "-", rate: "-", ...dash });
    notes.push(`ProducerPerformance skipped: ${perf.reason}`);
  } else {
    rows.push(perfRow(perf));
  }

  // 2. The relay, from a store already holding N events.
  let wire: ReturnType<typeof messageBytes> | undefined;
  for (const make of [sqliteTarget, postgresTarget]) {
    const target = await make();
    if (typeof target === "string") {
      notes.push(`postgres rows skipped: ${target}`);
      continue;
    }
    cleanups.push(() => target.dispose());
    const category = `relay${target.name}`;
    const topic = await freshTopic(category);
    const streamCategory = topic.split(".")[2] as string;
    progress(`${target.name}: appending ${N} events`);
    await target.fill(streamCategory, N);
    const store = await target.open();
    const first = (await store.readAll({ limit: 1 })).events[0];
    if (first) wire ??= messageBytes(first);
    for (const pageSize of PAGE_SIZES) {
      for (const [client, connection] of clients) {
        progress(`${target.name}: relay on ${client}, pages of ${pageSize}`);
        const result = await timeRelay(store, streamCategory, N, pageSize, connection.publisher);
        rows.push({
          what: `relay, pages of ${pageSize}`,
          store: target.name,
          events: int(N),
          rate: "rate" in result ? int(result.rate) : "stalled",
          ...dash,
          ratio: "rate" in result && baseline ? `${Math.round((result.rate / baseline) * 100)} %` : "-",
          client,
        });
        if ("stalled" in result)
          notes.push(`relay ${target.name} on ${client}, pages of ${pageSize}: ${result.stalled}`);
      }
    }
  }

  // 3. Append → handler latency.
  for (const make of [sqliteTarget, postgresTarget]) {
    const target = await make();
    if (typeof target === "string") continue;
    cleanups.push(() => target.dispose());
    for (const [client, connection] of clients) {
      progress(
        `${target.name}: latency through the relay and Kafka on ${client}, ${RATE}/s for ${SECONDS} s`,
      );
      rows.push({
        ...(await latency("append → relay → Kafka → handler", target, viaKafka(connection), client)),
        client,
      });
    }
  }
  const embeddedTarget = sqliteTarget();
  cleanups.push(() => embeddedTarget.dispose());
  progress(`sqlite: latency through the embedded bus, ${RATE}/s for ${SECONDS} s`);
  rows.push(await latency("append → embedded bus → handler", embeddedTarget, viaEmbedded, "embedded"));

  notes.unshift(
    `throughput rows: ${int(N)} events of ${DATA_BYTES} bytes of data; ProducerPerformance sends ${DATA_BYTES}-byte records (its latency columns: send → acknowledged at full throttle${baseline ? `, avg ${(perf as ProducerPerf).avgMs} ms` : ""}); the relay sends each event's data as the value plus ${wire ? `~${wire.overhead}` : "some"} bytes of key and CloudEvents headers, acks=all, idempotent, timed from runRelay's start until the broker acknowledged the last event`,
    `latency rows: one event per append at ${RATE}/s for ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up, appender, relay and consumer in this one process; ms from just before append() until the handler runs`,
    `aims: relay ≥ 50 % of ProducerPerformance's records/s; append → handler p99 ≤ 50 ms`,
  );
} finally {
  progress("cleaning up");
  await cleanUp();
}

notes.push(
  `scale ${scale}, ${((Date.now() - started) / 1000).toFixed(1)} s, Node ${process.version}, broker ${broker.brokers.join(",")} (${process.env.KAFKA_BROKERS ? "KAFKA_BROKERS" : broker.startedHere ? "started and stopped by this run" : "already running"})`,
);
process.stdout.write(`${formatTable(rows, notes)}\n`);

function perfRow(perf: ProducerPerf): Row {
  return {
    what: "Kafka ProducerPerformance (Java)",
    client: "Java",
    store: "-",
    events: int(perf.records),
    rate: int(perf.recordsPerSec),
    ratio: "100 %",
    p50: ms(perf.p50Ms),
    p95: ms(perf.p95Ms),
    p99: ms(perf.p99Ms),
    max: ms(perf.maxMs),
  };
}

async function timeRelay(
  store: BenchStore,
  category: string,
  count: number,
  batchSize: number,
  publisher: EventPublisher,
): Promise<{ rate: number } | { stalled: string }> {
  const controller = new AbortController();
  let lastProblem = "";
  const note = (obj: object, msg: string) => {
    const error = (obj as { error?: unknown }).error;
    lastProblem = error ? String(error) : msg;
  };
  const logger: MessagingLogger = { info() {}, warn: note, error: note };
  let published = 0;
  const done = Promise.withResolvers<void>();
  const t0 = performance.now();
  let progressAt = t0;
  const relay = runRelay({
    store,
    checkpoints: store.checkpoints,
    publisher,
    name: `bench-${randomUUID()}`, // a fresh checkpoint: from the start of the log
    owner: "bench",
    batchSize,
    filter: { categories: [category] },
    signal: controller.signal,
    logger,
    onPublished: (n) => {
      published += n;
      progressAt = performance.now();
      if (published >= count) done.resolve();
    },
  });
  const watchdog = setInterval(() => {
    if (performance.now() - progressAt > STALL_MS) done.resolve();
  }, 250);
  await done.promise;
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(watchdog);
  controller.abort();
  await relay;
  if (published >= count) return { rate: count / seconds };
  return { stalled: `stalled after ${published} of ${count} events (${lastProblem || "no error logged"})` };
}

type Handler = (data: { t: number; i: number }) => void;
type Path = (store: BenchStore, topic: string, handle: Handler) => Promise<() => Promise<void>>;

function viaKafka(connection: KafkaClientConnection): Path {
  return async (store, topic, handle) => {
    const controller = new AbortController();
    const relay = runRelay({
      store,
      checkpoints: store.checkpoints,
      publisher: connection.publisher,
      name: `bench-${randomUUID()}`,
      owner: "bench",
      signal: controller.signal,
    });
    const groupId = `bench-latency-${randomUUID()}`;
    groups.push(groupId);
    const sub = await connection.bus.subscribe({
      groupId,
      topics: [topic],
      handle: (e) => handle(e.data as { t: number; i: number }),
    });
    return async () => {
      await sub.stop();
      controller.abort();
      await relay;
    };
  };
}

async function viaEmbedded(store: BenchStore, topic: string, handle: Handler) {
  const bus: EventBus = new EmbeddedEventBus(store, store.checkpoints);
  await bus.subscribe({
    groupId: `bench-latency-${randomUUID()}`,
    topics: [topic],
    handle: (e) => handle(e.data as { t: number; i: number }),
  });
  return () => bus.close();
}

async function latency(what: string, target: Target, path: Path, label: string): Promise<Row> {
  const store = await target.open();
  const topic = await freshTopic(`latency${target.name}${label}`);
  const category = topic.split(".")[2] as string;
  const warmup = RATE * WARMUP_SECONDS;
  const total = warmup + RATE * SECONDS;
  const samples: number[] = [];
  let received = 0;
  const stop = await path(store, topic, ({ t, i }) => {
    received++;
    if (i >= warmup) samples.push(performance.now() - t);
  });
  const t0 = performance.now();
  let measuredFrom = t0;
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (i === warmup) measuredFrom = performance.now();
    const caseid = `${category}-${i % 100}`;
    await store.append(caseid, [benchEvent(caseid, { i, t: performance.now() })], "any");
  }
  const appendRate = (total - warmup) / ((performance.now() - measuredFrom) / 1000);
  const deadline = performance.now() + 30_000;
  while (received < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await stop();
  return {
    what,
    client: label,
    store: target.name,
    events: samples.length === total - warmup ? int(samples.length) : `${samples.length}/${total - warmup}`,
    rate: int(appendRate),
    ratio: "-",
    p50: ms(percentile(samples, 50)),
    p95: ms(percentile(samples, 95)),
    p99: ms(percentile(samples, 99)),
    max: ms(Math.max(...samples)),
  };
}

function formatTable(body: Row[], footer: string[]): string {
  const header: Row = {
    what: "what",
    client: "client",
    store: "store",
    events: "events",
    rate: "events/s",
    ratio: "vs ProducerPerformance",
    p50: "p50 ms",
    p95: "p95 ms",
    p99: "p99 ms",
    max: "max ms",
  };
  const keys = Object.keys(header) as (keyof Row)[];
  const widths = keys.map((k) => Math.max(header[k].length, ...body.map((r) => r[k].length)));
  const line = (r: Row) =>
    `| ${keys.map((k, i) => (i >= 3 ? r[k].padStart(widths[i] as number) : r[k].padEnd(widths[i] as number))).join(" | ")} |`;
  const separator = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), separator, ...body.map(line), ...footer.map((n) => `note: ${n}`)].join("\n");
}
