import { type Admin, Kafka, logLevel } from "kafkajs";
import pRetry from "p-retry";
import { type MessagingLogger, silentLogger } from "../logging.ts";
import { describeKafkaError, isFatalKafkaError, KafkaConfigurationError } from "./errors.ts";
import { silenceKafkajsTimeoutWarning } from "./warnings.ts";

export interface KafkaSettings {
  brokers: readonly string[];
  /** Names this process to the broker (logs, quotas), e.g. `gov-intake`. */
  clientId: string;
  /** Partitions of each topic the platform creates (default 3). */
  partitions?: number;
  /** Replicas of each topic (default 1: a single local broker; 3 in production). */
  replicationFactor?: number;
  logger?: MessagingLogger;
  /**
   * How long one start-up step (topic creation, a group join) is retried before its caller hears of the failure
   * — the caller (a subscription, the relay) then keeps retrying in the background. Default 15 s.
   */
  stepRetryMs?: number;
}

/** A kafkajs client whose own log lines go to our logger (warnings and errors only). */
export function createKafka(settings: KafkaSettings): Kafka {
  silenceKafkajsTimeoutWarning();
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
 *
 * A topic is ready when every partition has a leader. kafkajs' own `waitForLeaders` gives up on the first
 * `UNKNOWN_TOPIC_OR_PARTITION` (a just-created topic the broker's metadata does not list yet, common on a busy
 * machine), so this waits itself, retrying every retriable error for `stepRetryMs`; errors no wait can fix
 * (a replication factor the cluster cannot meet, no permission) throw a `KafkaConfigurationError` at once.
 */
export class TopicAdmin {
  readonly #kafka: Kafka;
  readonly #partitions: number;
  readonly #replication: number;
  readonly #stepRetryMs: number;
  readonly #log: MessagingLogger;
  readonly #known = new Set<string>();
  #admin: Promise<Admin> | undefined;

  constructor(
    kafka: Kafka,
    settings: Pick<KafkaSettings, "partitions" | "replicationFactor" | "stepRetryMs" | "logger">,
  ) {
    this.#kafka = kafka;
    this.#partitions = settings.partitions ?? 3;
    this.#replication = settings.replicationFactor ?? 1;
    this.#stepRetryMs = settings.stepRetryMs ?? 15_000;
    this.#log = settings.logger ?? silentLogger;
  }

  /** The shared admin client, connected once (concurrent callers share the connection attempt). */
  admin(): Promise<Admin> {
    if (!this.#admin) {
      const admin = this.#kafka.admin();
      const connecting = admin.connect().then(() => admin);
      this.#admin = connecting;
      connecting.catch(() => {
        if (this.#admin === connecting) this.#admin = undefined;
        void admin.disconnect().catch(() => undefined);
      });
    }
    return this.#admin;
  }

  /**
   * Runs an admin request, retrying retriable errors for `stepRetryMs`. kafkajs' admin gives up at once on a
   * stale leader (`fetchTopicOffsets` bails on `NOT_LEADER_FOR_PARTITION` without refreshing its metadata), so
   * after a failed attempt the admin client is replaced: the new one starts from fresh metadata.
   */
  async use<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    return pRetry(async () => fn(await this.admin()), {
      retries: Number.POSITIVE_INFINITY,
      maxRetryTime: this.#stepRetryMs,
      minTimeout: 100,
      maxTimeout: 2000,
      shouldRetry: ({ error }) => !isFatalKafkaError(error),
      onFailedAttempt: async () => {
        await this.#dropAdmin();
      },
    });
  }

  /** Makes sure the topics exist and have leaders; `partitions` overrides the default (dead-letter topics use 1). */
  async ensure(topics: readonly string[], partitions = this.#partitions): Promise<void> {
    const missing = topics.filter((t) => !this.#known.has(t));
    if (missing.length === 0) return;
    await pRetry(
      async () => {
        const admin = await this.admin();
        const existing = new Set(await admin.listTopics());
        const toCreate = missing.filter((t) => !existing.has(t));
        if (toCreate.length > 0) {
          try {
            // false (no error) when another process created them first.
            await admin.createTopics({
              waitForLeaders: false,
              topics: toCreate.map((topic) => ({
                topic,
                numPartitions: partitions,
                replicationFactor: this.#replication,
                // Topics are a log of domain events: kept for ever, so a new consumer can read from the start.
                configEntries: [{ name: "retention.ms", value: "-1" }],
              })),
            });
          } catch (error) {
            if (isFatalKafkaError(error))
              throw new KafkaConfigurationError(`creating ${toCreate.join(", ")}`, error);
            throw error;
          }
        }
        const metadata = await admin.fetchTopicMetadata({ topics: missing });
        const leaderless = metadata.topics.filter(
          (t) =>
            t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0 || p.partitionErrorCode !== 0),
        );
        if (leaderless.length > 0) {
          throw new Error(`no leader yet for ${leaderless.map((t) => t.name).join(", ")}`);
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        maxRetryTime: this.#stepRetryMs,
        minTimeout: 100,
        maxTimeout: 2000,
        shouldRetry: ({ error }) => !(error instanceof KafkaConfigurationError) && !isFatalKafkaError(error),
        onFailedAttempt: async ({ error, attemptNumber }) => {
          if (attemptNumber % 5 === 0) {
            this.#log.warn(
              { topics: missing, error: describeKafkaError(error) },
              "topics not ready yet; retrying",
            );
          }
          if (/Connection|BrokerNotFound|NumberOfRetriesExceeded/.test(error.name)) await this.#dropAdmin();
        },
      },
    ).catch((error: unknown) => {
      if (isFatalKafkaError(error) && !(error instanceof KafkaConfigurationError)) {
        throw new KafkaConfigurationError(`preparing topics ${missing.join(", ")}`, error);
      }
      throw error;
    });
    for (const t of missing) this.#known.add(t);
  }

  /** Forgets what it knew (after a broker restart nothing changes, but a deleted topic would be recreated). */
  reset(): void {
    this.#known.clear();
  }

  async #dropAdmin(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.#dropAdmin();
  }
}
