import { randomUUID } from "node:crypto";
import { Consumer, type Message, stringDeserializers } from "@platformatic/kafka";
import type { KafkaMessage } from "kafkajs";
import type { DeadLetter } from "../event-bus.ts";
import { replayGroupOf, toDeadLetter } from "../kafka/dead-letters.ts";
import type { KafkaSettings } from "../kafka/kafka-client.ts";
import { deadLetterTopic } from "../topics.ts";
import { baseOptions, type PlatformaticTopicAdmin } from "./client.ts";
import type { StringProducer } from "./publisher.ts";

export type StringMessage = Message<string, string, string, string>;

/**
 * The same dead-letter topic and headers as the kafkajs adapter (`gov.deadletter.<group>`, one partition;
 * original key, body and CloudEvents headers plus `dlq_*`), so that either client replays what the other
 * wrote.
 */
export async function sendDeadLetter(
  producer: StringProducer,
  topics: PlatformaticTopicAdmin,
  letter: { groupId: string; message: StringMessage; error: string; attempts: number },
): Promise<void> {
  const topic = deadLetterTopic(letter.groupId);
  await topics.ensure([topic], 1);
  const { message } = letter;
  const headers = new Map(message.headers);
  headers.set("dlq_group", letter.groupId);
  headers.set("dlq_topic", message.topic);
  headers.set("dlq_partition", String(message.partition));
  headers.set("dlq_offset", String(message.offset));
  headers.set("dlq_error", letter.error.slice(0, 4000));
  headers.set("dlq_attempts", String(letter.attempts));
  await producer.send({
    messages: [{ topic, key: message.key, value: message.value, headers }],
    acks: -1,
  });
}

/** A consumed message in the shape the shared envelope and dead-letter readers take. */
export function asKafkajsMessage(message: StringMessage): KafkaMessage {
  return {
    key: message.key === undefined ? null : Buffer.from(message.key),
    value: message.value === undefined ? null : Buffer.from(message.value),
    headers: Object.fromEntries(message.headers),
    offset: String(message.offset),
    timestamp: String(message.timestamp),
    attributes: 0,
  };
}

export function toPlatformaticDeadLetter(message: StringMessage): DeadLetter {
  return toDeadLetter(asKafkajsMessage(message));
}

/** Where the replay group stands on the dead-letter topic, and where the topic ends. */
export async function deadLetterRange(
  topics: PlatformaticTopicAdmin,
  groupId: string,
): Promise<{ from: number; end: number }> {
  const topic = deadLetterTopic(groupId);
  await topics.ensure([topic], 1);
  const [ends, committed] = await Promise.all([
    topics.ends([topic]),
    topics.committed(replayGroupOf(groupId)),
  ]);
  const range = ends.get(topic)?.[0] ?? { low: 0n, high: 0n };
  const done = committed.get(`${topic}:0`) ?? -1n;
  return { from: Number(done > range.low ? done : range.low), end: Number(range.high) };
}

/** Moves the replay group past a handled letter, so that it is never replayed again. */
export async function markReplayed(topics: PlatformaticTopicAdmin, groupId: string, offset: number) {
  await topics.admin().alterConsumerGroupOffsets({
    groupId: replayGroupOf(groupId),
    topics: [
      { name: deadLetterTopic(groupId), partitionOffsets: [{ partition: 0, offset: BigInt(offset + 1) }] },
    ],
  });
}

/**
 * Reads the dead-letter topic from `from` up to (not including) `end` with a throwaway consumer group, calling
 * `onMessage` in order; stops early when it returns false. Resolves with the offset it stopped at.
 */
export async function readDeadLetters(
  settings: KafkaSettings,
  topics: PlatformaticTopicAdmin,
  groupId: string,
  range: { from: number; end: number },
  onMessage: (message: StringMessage) => Promise<boolean>,
): Promise<number> {
  if (range.from >= range.end) return range.from;
  const topic = deadLetterTopic(groupId);
  const readerGroup = `${groupId}.deadletter-reader.${randomUUID()}`;
  const consumer = new Consumer({
    ...baseOptions(settings),
    groupId: readerGroup,
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    maxWaitTime: 500,
  });
  consumer.on("error", () => undefined); // a failed rejoin: the read below fails or finishes anyway
  let at = range.from;
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: "manual",
      offsets: [{ topic, partition: 0, offset: BigInt(range.from) }],
      autocommit: false,
    });
    for await (const message of stream as AsyncIterable<StringMessage>) {
      const offset = Number(message.offset);
      if (offset < at) continue;
      if (!(await onMessage(message))) break;
      at = offset + 1;
      if (at >= range.end) break;
    }
    await stream.close().catch(() => undefined);
  } finally {
    await consumer.close(true).catch(() => undefined);
    await topics.deleteGroup(readerGroup);
  }
  return at;
}
