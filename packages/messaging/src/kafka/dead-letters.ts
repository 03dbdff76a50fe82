import { randomUUID } from "node:crypto";
import type { IHeaders, Kafka, KafkaMessage, Producer } from "kafkajs";
import { fromKafkaMessage } from "../cloudevents.ts";
import type { DeadLetter } from "../event-bus.ts";
import { deadLetterTopic } from "../topics.ts";
import type { TopicAdmin } from "./kafka-client.ts";

/** The consumer group that remembers how far a group's dead letters were replayed. */
export const replayGroupOf = (groupId: string): string => `${groupId}.deadletter-replay`;

/**
 * A group's dead-letter topic (`gov.deadletter.<group>`, one partition so that letters stay in the order they
 * failed): the original key, body and CloudEvents headers, plus `dlq_*` headers saying where it came from
 * and why it failed.
 */
export async function sendDeadLetter(
  producer: Producer,
  topics: TopicAdmin,
  letter: {
    groupId: string;
    topic: string;
    partition: number;
    message: KafkaMessage;
    error: string;
    attempts: number;
  },
): Promise<void> {
  const topic = deadLetterTopic(letter.groupId);
  await topics.ensure([topic], 1);
  const headers: IHeaders = {
    ...letter.message.headers,
    dlq_group: letter.groupId,
    dlq_topic: letter.topic,
    dlq_partition: String(letter.partition),
    dlq_offset: letter.message.offset,
    dlq_error: letter.error.slice(0, 4000),
    dlq_attempts: String(letter.attempts),
  };
  await producer.send({
    topic,
    acks: -1,
    messages: [{ key: letter.message.key, value: letter.message.value, headers }],
  });
}

export function toDeadLetter(message: KafkaMessage): DeadLetter {
  const h = (name: string) => message.headers?.[name]?.toString() ?? "";
  let event: DeadLetter["event"];
  try {
    event = fromKafkaMessage(message);
  } catch {
    // A message that was never a CloudEvent: keep what there is.
    event = {
      specversion: "1.0",
      id: h("ce_id") || `offset-${h("dlq_offset")}`,
      type: h("ce_type") || "unknown",
      source: h("ce_source") || "unknown",
      subject: h("ce_subject") || "unknown",
      time: h("ce_time") || "",
      data: message.value?.toString() ?? null,
      actor: { id: "unknown", role: "system" },
      streamversion: -1,
      prevhash: "",
      hash: "",
    };
  }
  return {
    event,
    groupId: h("dlq_group"),
    topic: h("dlq_topic"),
    partition: Number(h("dlq_partition")),
    offset: h("dlq_offset"),
    error: h("dlq_error"),
    attempts: Number(h("dlq_attempts")),
  };
}

/** Where the replay group stands on the dead-letter topic, and where the topic ends. */
export async function deadLetterRange(
  topics: TopicAdmin,
  groupId: string,
): Promise<{ from: number; end: number }> {
  const topic = deadLetterTopic(groupId);
  await topics.ensure([topic], 1);
  const [ends] = await topics.use((admin) => admin.fetchTopicOffsets(topic));
  const [committed] = await topics.use((admin) =>
    admin.fetchOffsets({ groupId: replayGroupOf(groupId), topics: [topic] }),
  );
  const done = Number(committed?.partitions[0]?.offset ?? -1);
  return { from: Math.max(done, Number(ends?.low ?? 0)), end: Number(ends?.high ?? 0) };
}

/**
 * Reads the dead-letter topic from `from` up to (not including) `end` with a throwaway consumer group, calling
 * `onMessage` in order; stops early when it returns false. Resolves with the offset it stopped at.
 */
export async function readDeadLetters(
  kafka: Kafka,
  topics: TopicAdmin,
  groupId: string,
  range: { from: number; end: number },
  onMessage: (message: KafkaMessage) => Promise<boolean>,
): Promise<number> {
  if (range.from >= range.end) return range.from;
  const topic = deadLetterTopic(groupId);
  const readerGroup = `${groupId}.deadletter-reader.${randomUUID()}`;
  const consumer = kafka.consumer({ groupId: readerGroup, allowAutoTopicCreation: false });
  let at = range.from;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ message }) => {
            const offset = Number(message.offset);
            if (offset < at || at >= range.end) return;
            const goOn = await onMessage(message).catch((e) => {
              reject(e);
              return false;
            });
            if (!goOn) return resolve();
            at = offset + 1;
            if (at >= range.end) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await topics
      .admin()
      .then((admin) => admin.deleteGroups([readerGroup]))
      .catch(() => undefined);
  }
  return at;
}
