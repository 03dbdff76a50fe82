import { setTimeout as sleep } from "node:timers/promises";
import { Admin, type BaseOptions } from "@platformatic/kafka";
import type { KafkaSettings } from "../kafka/kafka-client.ts";

/**
 * What every @platformatic/kafka client of this process shares: the brokers, the client id, and how a request
 * that hit a retriable broker error (connection refused, leader moving, coordinator loading) is retried: 6
 * tries, 100 ms doubling to 2 s, then the error goes to the caller (the relay backs off, a subscription
 * restarts its consumer). A request never crashes the process.
 */
export function baseOptions(settings: Pick<KafkaSettings, "brokers" | "clientId">): BaseOptions {
  return {
    clientId: settings.clientId,
    bootstrapBrokers: [...settings.brokers],
    connectTimeout: 3000,
    timeout: 10_000,
    retries: 5,
    retryDelay: (_client, _operation, attempt) => Math.min(100 * 2 ** attempt, 2000),
    autocreateTopics: false,
  };
}

/** The one unsigned bigint offset as the decimal string the EventBus port speaks. */
export const offsetText = (offset: bigint | number): string => String(offset);

/** Kafka's special timestamps for ListOffsets. */
const LATEST = -1n;
const EARLIEST = -2n;

/**
 * Creates the platform's topics (partitions, replication, kept for ever) before anything produces to or
 * subscribes to them, like the kafkajs adapter's TopicAdmin; also answers the offset questions of lag and
 * dead letters.
 */
export class PlatformaticTopicAdmin {
  readonly #settings: KafkaSettings;
  readonly #partitions: number;
  readonly #replication: number;
  readonly #known = new Set<string>();
  #admin: Admin | undefined;

  constructor(settings: KafkaSettings) {
    this.#settings = settings;
    this.#partitions = settings.partitions ?? 3;
    this.#replication = settings.replicationFactor ?? 1;
  }

  admin(): Admin {
    this.#admin ??= new Admin(baseOptions(this.#settings));
    return this.#admin;
  }

  /** Makes sure the topics exist and have leaders; `partitions` overrides the default (dead letters use 1). */
  async ensure(topics: readonly string[], partitions = this.#partitions): Promise<void> {
    const missing = topics.filter((t) => !this.#known.has(t));
    if (missing.length === 0) return;
    const admin = this.admin();
    const existing = new Set(await admin.listTopics());
    const toCreate = missing.filter((t) => !existing.has(t));
    if (toCreate.length > 0) {
      try {
        await admin.createTopics({
          topics: toCreate,
          partitions,
          replicas: this.#replication,
          // Topics are a log of domain events: kept for ever, so a new consumer can read from the start.
          configs: [{ name: "retention.ms", value: "-1" }],
        });
      } catch (error) {
        // Another process may have created it in the meantime: that is what we wanted.
        const exists = new Set(await admin.listTopics());
        if (!toCreate.every((t) => exists.has(t))) throw error;
      }
      await this.#waitForLeaders(toCreate);
    }
    for (const t of missing) this.#known.add(t);
  }

  async #waitForLeaders(topics: readonly string[]): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const metadata = await this.admin()
        .metadata({ topics: [...topics], forceUpdate: true })
        .catch(() => undefined);
      const ready = topics.every((t) => {
        const m = metadata?.topics.get(t);
        return m !== undefined && m.partitions.length > 0 && m.partitions.every((p) => p && p.leader >= 0);
      });
      if (ready || Date.now() > deadline) return;
      await sleep(100);
    }
  }

  /** Forgets what it knew (a deleted topic would be recreated). */
  reset(): void {
    this.#known.clear();
  }

  /** Each partition's first and next offset, per topic. */
  async ends(topics: readonly string[]): Promise<Map<string, { low: bigint; high: bigint }[]>> {
    const admin = this.admin();
    const metadata = await admin.metadata({ topics: [...topics] });
    const ask = (timestamp: bigint) =>
      admin.listOffsets({
        topics: topics.map((name) => ({
          name,
          partitions: Array.from({ length: metadata.topics.get(name)?.partitionsCount ?? 0 }, (_, i) => ({
            partitionIndex: i,
            timestamp,
          })),
        })),
      });
    const [lows, highs] = await Promise.all([ask(EARLIEST), ask(LATEST)]);
    const result = new Map<string, { low: bigint; high: bigint }[]>();
    for (const t of highs) {
      const low = lows.find((l) => l.name === t.name)?.partitions ?? [];
      result.set(
        t.name,
        [...t.partitions]
          .sort((a, b) => a.partitionIndex - b.partitionIndex)
          .map((p) => ({
            high: p.offset,
            low: low.find((l) => l.partitionIndex === p.partitionIndex)?.offset ?? 0n,
          })),
      );
    }
    return result;
  }

  /** The group's committed offsets (`topic:partition` → next offset to read); absent where none. */
  async committed(groupId: string): Promise<Map<string, bigint>> {
    const [group] = await this.admin().listConsumerGroupOffsets({ groups: [groupId] });
    const result = new Map<string, bigint>();
    for (const topic of group?.topics ?? []) {
      for (const p of topic.partitions) {
        if (p.committedOffset >= 0n) result.set(`${topic.name}:${p.partitionIndex}`, p.committedOffset);
      }
    }
    return result;
  }

  async deleteGroup(groupId: string): Promise<void> {
    await this.admin()
      .deleteGroups({ groups: [groupId] })
      .catch(() => undefined);
  }

  async close(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.close().catch(() => undefined);
  }
}

/** Messages on the group's topics that it has not committed yet, summed over partitions. */
export async function platformaticGroupLag(
  topics: PlatformaticTopicAdmin,
  groupId: string,
  names: readonly string[],
): Promise<number> {
  const [ends, committed] = await Promise.all([topics.ends(names), topics.committed(groupId)]);
  let lag = 0n;
  for (const [topic, partitions] of ends) {
    for (const [i, { low, high }] of partitions.entries()) {
      const at = committed.get(`${topic}:${i}`);
      lag += high - (at === undefined || at < low ? low : at);
    }
  }
  return Number(lag);
}
