import type { Kafka, Producer, TopicMessages } from "kafkajs";
import type { BusEvent, EventPublisher } from "../event-bus.ts";
import { topicOf } from "../topics.ts";
import { startPublishBatch } from "../tracing.ts";
import { describeKafkaError } from "./errors.ts";
import type { TopicAdmin } from "./kafka-client.ts";
import { chunkBySize } from "./request-chunks.ts";

/**
 * Publishes events to their topics with an idempotent producer (acks from every in-sync replica), one
 * `sendBatch` per run of messages that fits the broker's request limit, one after the other. Resolves only
 * when the broker acknowledged every message; on any failure it drops the producer so that the next call
 * reconnects (the relay retries the same page; the consumers absorb what the first attempt delivered).
 */
export class KafkaPublisher implements EventPublisher {
  readonly #kafka: Kafka;
  readonly #topics: TopicAdmin;
  #producer: Producer | undefined;
  #failing: string | undefined;

  constructor(kafka: Kafka, topics: TopicAdmin) {
    this.#kafka = kafka;
    this.#topics = topics;
  }

  async publish(events: readonly BusEvent[]): Promise<void> {
    if (events.length === 0) return;
    const batch = startPublishBatch(events);
    const chunks = chunkBySize(batch.messages);
    try {
      await this.#topics.ensure([...new Set(events.map(topicOf))]);
      const producer = await this.#connected();
      for (const chunk of chunks) {
        const byTopic = new Map<string, TopicMessages>();
        for (const { topic, message } of chunk) {
          const entry = byTopic.get(topic) ?? { topic, messages: [] };
          byTopic.set(topic, entry);
          entry.messages.push(message);
        }
        await producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
      }
      this.#failing = undefined;
      batch.end();
    } catch (error) {
      batch.end(error);
      this.#failing = describeKafkaError(error);
      const producer = this.#producer;
      this.#producer = undefined;
      this.#topics.reset();
      await producer?.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Why the last publish failed, until one succeeds (readiness names it); undefined when it went through. */
  get failing(): string | undefined {
    return this.#failing;
  }

  async #connected(): Promise<Producer> {
    if (!this.#producer) {
      const producer = this.#kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      await producer.connect();
      this.#producer = producer;
    }
    return this.#producer;
  }

  async close(): Promise<void> {
    await this.#producer?.disconnect().catch(() => undefined);
    this.#producer = undefined;
  }
}
