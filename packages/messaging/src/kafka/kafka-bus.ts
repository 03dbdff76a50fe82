import { randomUUID } from "node:crypto";
import type { Consumer, Kafka, Producer } from "kafkajs";
import { fromKafkaMessage } from "../cloudevents.ts";
import { deliver, describe as describeError } from "../delivery.ts";
import type { EventBus, EventHandler, SubscribeOptions, Subscription } from "../event-bus.ts";
import { type MessagingLogger, silentLogger } from "../logging.ts";
import { deadLetterTopic } from "../topics.ts";
import {
  deadLetterRange,
  readDeadLetters,
  replayGroupOf,
  sendDeadLetter,
  toDeadLetter,
} from "./dead-letters.ts";
import type { TopicAdmin } from "./kafka-client.ts";
import { groupLag } from "./lag.ts";

/**
 * The consumer runner on Kafka. Each message is handled at least once (its offset is committed only after the
 * handler returned, or after it went to the dead letters); partitions are handled concurrently, messages of one
 * partition (hence of one key) in order. A message that fails every retry goes to the group's dead-letter topic
 * with its error, and the partition moves on.
 */
export class KafkaEventBus implements EventBus {
  readonly #kafka: Kafka;
  readonly #topics: TopicAdmin;
  readonly #log: MessagingLogger;
  readonly #consumers = new Set<Consumer>();
  readonly #subscriptions = new Set<Subscription>();
  #producer: Producer | undefined;

  constructor(kafka: Kafka, topics: TopicAdmin, logger: MessagingLogger = silentLogger) {
    this.#kafka = kafka;
    this.#topics = topics;
    this.#log = logger;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const { topics } = options;
    // An ephemeral subscription gets a group of its own for this start only.
    const groupId = options.ephemeral ? `${options.groupId}.ephemeral.${randomUUID()}` : options.groupId;
    await this.#topics.ensure(topics);
    const consumer = this.#kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 1000,
    });
    this.#consumers.add(consumer);
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 8,
      autoCommitInterval: 500,
      eachMessage: async ({ topic, partition, message }) => {
        const where = { topic, partition, offset: message.offset };
        let outcome: Awaited<ReturnType<typeof deliver>>;
        try {
          outcome = await deliver(options.handle, fromKafkaMessage(message), where, options);
        } catch (error) {
          outcome = { ok: false, error: describeError(error), attempts: 1 }; // not a CloudEvent: poison as is
        }
        if (outcome.ok) return;
        this.#log.warn({ groupId, ...where, error: outcome.error }, "event sent to the dead letters");
        // Throws if the broker is down: then the offset stays, and kafkajs delivers the message again.
        await sendDeadLetter(await this.#deadLetterProducer(), this.#topics, {
          groupId,
          topic,
          partition,
          message,
          error: outcome.error,
          attempts: outcome.attempts,
        });
      },
    });
    await joined;
    const subscription: Subscription = {
      groupId,
      lag: async () => groupLag(await this.#topics.admin(), groupId, topics),
      stop: async () => {
        this.#consumers.delete(consumer);
        this.#subscriptions.delete(subscription);
        await consumer.disconnect();
        if (options.ephemeral) {
          await (await this.#topics.admin()).deleteGroups([groupId]).catch(() => undefined);
        }
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  subscriptions(): readonly Subscription[] {
    return [...this.#subscriptions];
  }

  async deadLetters(groupId: string) {
    const range = await deadLetterRange(this.#topics, groupId);
    const letters: ReturnType<typeof toDeadLetter>[] = [];
    await readDeadLetters(this.#kafka, this.#topics, groupId, range, async (m) => {
      letters.push(toDeadLetter(m));
      return true;
    });
    return letters;
  }

  async replayDeadLetters(groupId: string, handle: EventHandler) {
    const range = await deadLetterRange(this.#topics, groupId);
    let replayed = 0;
    const stoppedAt = await readDeadLetters(this.#kafka, this.#topics, groupId, range, async (m) => {
      const letter = toDeadLetter(m);
      const outcome = await deliver(
        handle,
        letter.event,
        { topic: letter.topic, offset: letter.offset, partition: letter.partition ?? 0 },
        { maxAttempts: 1 },
      );
      if (!outcome.ok) return false;
      // Commit past this letter under the replay group, so that it is never replayed again.
      const admin = await this.#topics.admin();
      await admin.setOffsets({
        groupId: replayGroupOf(groupId),
        topic: deadLetterTopic(groupId),
        partitions: [{ partition: 0, offset: String(Number(m.offset) + 1) }],
      });
      replayed++;
      return true;
    });
    return { replayed, remaining: range.end - stoppedAt };
  }

  async #deadLetterProducer(): Promise<Producer> {
    if (!this.#producer) {
      const producer = this.#kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      this.#producer = producer;
    }
    return this.#producer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#consumers].map((c) => c.disconnect().catch(() => undefined)));
    this.#consumers.clear();
    this.#subscriptions.clear();
    await this.#producer?.disconnect().catch(() => undefined);
    this.#producer = undefined;
  }
}
