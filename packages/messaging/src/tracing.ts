// Spans of the relay's publishing and the consumers' handling, continuing the trace each event was appended
// in (docs/operations.md, "Tracing"). No-ops without an SDK started; an event stored without a trace context
// (tracing off when it was appended) gets no span, so that replays and rebuilds do not make a trace per event.
import {
  type Context,
  contextFromHeaders,
  contextOfTraceparent,
  failSpan,
  inSpan,
  propagationHeaders,
  type Span,
  SpanKind,
  tracer,
} from "@gov/telemetry";
import type { Message } from "kafkajs";
import { headerText, toKafkaMessage } from "./cloudevents.ts";
import type { BusEvent } from "./event-bus.ts";
import type { TopicMessage } from "./kafka/request-chunks.ts";
import { topicOf } from "./topics.ts";

export interface PublishBatch {
  /** The events as Kafka messages, each with its publish span's `traceparent` header when it has one. */
  messages: TopicMessage[];
  /** Ends the spans: acknowledged, or failed with `error`. */
  end(error?: unknown): void;
}

/**
 * The messages of a relay page, one `send <topic>` span (PRODUCER) per event that has a trace context, child
 * of the append that stored it; the span's context goes in the message's W3C `traceparent` header. Both Kafka
 * publishers use this, so both clients carry the same headers.
 */
export function startPublishBatch(events: readonly BusEvent[]): PublishBatch {
  const spans: Span[] = [];
  const messages = events.map((event) => {
    const topic = topicOf(event);
    const parent = contextOfTraceparent(event.traceparent);
    if (!parent) return { topic, message: toKafkaMessage(event) };
    const span = tracer().startSpan(
      `send ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "kafka",
          "messaging.operation.type": "send",
          "messaging.operation.name": "send",
          "messaging.destination.name": topic,
          "messaging.message.id": event.id,
          "gov.event.type": event.type,
        },
      },
      parent,
    );
    spans.push(span);
    return { topic, message: toKafkaMessage(event, propagationHeaders(span)) };
  });
  return {
    messages,
    end(error?: unknown) {
      for (const span of spans) {
        if (error !== undefined) failSpan(span, error);
        span.end();
      }
    },
  };
}

/** Where a handled event came from, as a consumer span describes it. */
export interface ConsumeTrace {
  topic: string;
  partition?: number;
  offset: string;
  groupId?: string;
  /** The message's W3C headers (the publish span's context), when it came through Kafka. */
  headers?: Message["headers"];
}

/**
 * Runs a handler for `event` in a `process <topic>` span (CONSUMER) whose parent is the publish span named by
 * the message's `traceparent` header, or, without one (the embedded bus, a dead letter from an older
 * producer), the append's context in the event's own `traceparent` attribute. With neither, no span.
 */
export function inConsumeSpan<T>(event: BusEvent, where: ConsumeTrace, fn: () => Promise<T>): Promise<T> {
  const parent: Context | undefined =
    (where.headers ? contextFromHeaders((name) => headerText(where.headers, name)) : undefined) ??
    contextOfTraceparent(event.traceparent);
  if (!parent) return fn();
  return inSpan(
    `process ${where.topic}`,
    {
      kind: SpanKind.CONSUMER,
      parent,
      attributes: {
        "messaging.system": where.partition === undefined ? "gov.embedded" : "kafka",
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.destination.name": where.topic,
        "messaging.message.id": event.id,
        "gov.event.type": event.type,
        ...(where.groupId ? { "messaging.consumer.group.name": where.groupId } : {}),
        ...(where.partition === undefined
          ? {}
          : {
              "messaging.destination.partition.id": String(where.partition),
              "messaging.kafka.offset": Number(where.offset),
            }),
      },
    },
    fn,
  );
}
