import { type Admin, Kafka, logLevel } from "kafkajs";
import { type MessagingLogger, silentLogger } from "../logging.ts";

export interface KafkaSettings {
  brokers: readonly string[];
  /** Names this process to the broker (logs, quotas), e.g. `gov-intake`. */
  clientId: string;
  /** Partitions of each topic the platform creates (default 3). */
  partitions?: number;
  /** Replicas of each topic (default 1: a single local broker; 3 in production). */
  replicationFactor?: number;
  logger?: MessagingLogger;
}

/** A kafkajs client whose own log lines go to our logger (warnings and errors only). */
export function createKafka(settings: KafkaSettings): Kafka {
  const logger = settings.logger ?? silentLogger;
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...rest } = log;
        const line = { kafka: rest.broker ?? rest.groupId ?? "", error: rest.error };
        if (level <= logLevel.ERROR) logger.error(line, `kafkajs: ${message}`);
        else logger.warn(line, `kafkajs: ${message}`);
      },
  });
}

/**
 * Creates the platform's topics with the configured partitions and replication before anything produces to
 * or subscribes to them (the broker does not auto-create topics). Remembers what exists.
 */
export class TopicAdmin {
  readonly #kafka: Kafka;
  readonly #partitions: number;
  readonly #replication: number;
  readonly #known = new Set<string>();
  #admin: Admin | undefined;

  constructor(kafka: Kafka, settings: Pick<KafkaSettings, "partitions" | "replicationFactor">) {
    this.#kafka = kafka;
    this.#partitions = settings.partitions ?? 3;
    this.#replication = settings.replicationFactor ?? 1;
  }

  async admin(): Promise<Admin> {
    if (!this.#admin) {
      const admin = this.#kafka.admin();
      await admin.connect();
      this.#admin = admin;
    }
    return this.#admin;
  }

  /** Makes sure the topics exist; `partitions` overrides the default (dead-letter topics use 1). */
  async ensure(topics: readonly string[], partitions = this.#partitions): Promise<void> {
    const missing = topics.filter((t) => !this.#known.has(t));
    if (missing.length === 0) return;
    const admin = await this.admin();
    const existing = new Set(await admin.listTopics());
    const toCreate = missing.filter((t) => !existing.has(t));
    if (toCreate.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: toCreate.map((topic) => ({
          topic,
          numPartitions: partitions,
          replicationFactor: this.#replication,
          // Topics are a log of domain events: kept for ever, so a new consumer can read from the start.
          configEntries: [{ name: "retention.ms", value: "-1" }],
        })),
      });
    }
    for (const t of missing) this.#known.add(t);
  }

  /** Forgets what it knew (after a broker restart nothing changes, but a deleted topic would be recreated). */
  reset(): void {
    this.#known.clear();
  }

  async close(): Promise<void> {
    await this.#admin?.disconnect();
    this.#admin = undefined;
  }
}
