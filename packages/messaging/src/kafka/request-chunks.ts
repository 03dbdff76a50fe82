import type { Message } from "kafkajs";

/**
 * Kafka's default limit on one record batch (`message.max.bytes`, 1 MiB) would reject a relay page of many
 * ~1 KB events sent as one request. We split a page into requests of at most this many bytes (key, value and
 * headers, summed over all partitions, so that no partition's batch can exceed the broker's limit).
 */
export const MAX_REQUEST_BYTES = 768 * 1024;

export interface TopicMessage {
  topic: string;
  message: Message;
}

/** The bytes a message takes on the wire, without Kafka's per-record framing. */
export function messageSize(m: Message): number {
  let bytes = size(m.key) + size(m.value);
  for (const [name, value] of Object.entries(m.headers ?? {})) bytes += Buffer.byteLength(name) + size(value);
  return bytes;
}

function size(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (Buffer.isBuffer(v)) return v.length;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + size(x), 0);
  return Buffer.byteLength(String(v));
}

/**
 * Consecutive runs of messages, each under `maxBytes`, in their original order (sent one after the other, a
 * case's events keep their order). A single message over the limit is an error that names the event: the
 * broker would refuse it however it was sent.
 */
export function chunkBySize(
  messages: readonly TopicMessage[],
  maxBytes = MAX_REQUEST_BYTES,
): TopicMessage[][] {
  const chunks: TopicMessage[][] = [];
  let current: TopicMessage[] = [];
  let bytes = 0;
  for (const entry of messages) {
    const n = messageSize(entry.message);
    if (n > maxBytes) {
      const id = entry.message.headers?.ce_id;
      throw new Error(
        `event ${String(id)} for ${entry.topic} is ${n} bytes as a Kafka message, over the ${maxBytes}-byte limit per request`,
      );
    }
    if (bytes + n > maxBytes && current.length > 0) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
