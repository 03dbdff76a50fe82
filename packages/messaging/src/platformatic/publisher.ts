import { compatibilityPartitioner, Producer, stringSerializers } from "@platformatic/kafka";
import type { BusEvent, EventPublisher } from "../event-bus.ts";
import type { KafkaSettings } from "../kafka/kafka-client.ts";
import { chunkBySize, type TopicMessage } from "../kafka/request-chunks.ts";
import { topicOf } from "../topics.ts";
import { startPublishBatch } from "../tracing.ts";
import { baseOptions, type PlatformaticTopicAdmin } from "./client.ts";

export type StringProducer = Producer<string, string, string, string>;

/**
 * An idempotent producer with acks from every in-sync replica that partitions keys exactly like kafkajs and
 * the Java client (murmur2 masked to 31 bits: @platformatic/kafka's own default keeps the sign bit and would
 * put half of the case ids on another partition than kafkajs did, breaking per-case order while both run).
 */
export function createProducer(settings: Pick<KafkaSettings, "brokers" | "clientId">): StringProducer {
  return new Producer({
    ...baseOptions(settings),
    serializers: stringSerializers,
    idempotent: true,
    acks: -1,
    partitioner: compatibilityPartitioner,
    autocreateTopics: false,
  });
}

/** A CloudEvents binary-mode message (cloudevents.ts) as @platformatic/kafka sends it: strings throughout. */
export function toProduced({ topic, message }: TopicMessage) {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers.set(name, String(value));
  }
  return { topic, key: String(message.key), value: String(message.value), headers };
}

/**
 * The relay's publisher on @platformatic/kafka, with the kafkajs publisher's contract: one send per run of
 * messages under the broker's request limit (request-chunks.ts), one after the other, resolving only when
 * the broker acknowledged every message; on any failure it drops the producer so that the next call starts
 * afresh (the relay retries the same page; consumers absorb what the first attempt delivered).
 */
export class PlatformaticPublisher implements EventPublisher {
  readonly #settings: KafkaSettings;
  readonly #topics: PlatformaticTopicAdmin;
  #producer: StringProducer | undefined;

  constructor(settings: KafkaSettings, topics: PlatformaticTopicAdmin) {
    this.#settings = settings;
    this.#topics = topics;
  }

  async publish(events: readonly BusEvent[]): Promise<void> {
    if (events.length === 0) return;
    const batch = startPublishBatch(events);
    const chunks = chunkBySize(batch.messages);
    try {
      await this.#topics.ensure([...new Set(events.map(topicOf))]);
      this.#producer ??= createProducer(this.#settings);
      for (const chunk of chunks) {
        await this.#producer.send({ messages: chunk.map(toProduced), acks: -1 });
      }
      batch.end();
    } catch (error) {
      batch.end(error);
      const producer = this.#producer;
      this.#producer = undefined;
      this.#topics.reset();
      await producer?.close(true).catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    await producer?.close();
  }
}
