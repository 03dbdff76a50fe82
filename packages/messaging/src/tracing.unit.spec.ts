import { contextOfTraceparent, flushTraces, inSpan, tracer } from "@gov/telemetry";
import { startTracing } from "@gov/telemetry/sdk";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fromKafkaMessage } from "./cloudevents.ts";
import type { BusEvent } from "./event-bus.ts";
import { inConsumeSpan, startPublishBatch } from "./tracing.ts";

const event = (traceparent?: string): BusEvent => ({
  specversion: "1.0",
  id: "7d0c1b7e-3f3a-4c1e-9b1a-0c0b7f3e2a11",
  type: "gov.intake.application.accepted.v1",
  source: "gov.intake",
  subject: "application-A1",
  time: "2026-03-02T09:00:00.000+08:00",
  data: {},
  caseid: "A1",
  actor: { id: "clerk-1", role: "window-clerk" },
  streamversion: 0,
  prevhash: "0".repeat(64),
  hash: "b".repeat(64),
  ...(traceparent ? { traceparent } : {}),
});

describe("relay and consumer spans (W3C Trace Context through Kafka)", () => {
  const exporter = new InMemorySpanExporter();
  let sdk: Awaited<ReturnType<typeof startTracing>>;
  beforeAll(async () => {
    sdk = await startTracing({}, { spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  });
  afterAll(() => sdk?.shutdown());
  beforeEach(() => exporter.reset());

  it("publishes each traced event in a send span under its append, whose context the message's traceparent header names", async () => {
    let appended = "";
    await inSpan("event-store append", {}, async (span) => {
      appended = `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
    });
    const batch = startPublishBatch([event(appended), event()]);
    batch.end();
    await flushTraces();
    const [send] = exporter.getFinishedSpans().filter((s) => s.name.startsWith("send "));
    expect(send?.name).toBe("send gov.intake.application.v1");
    expect(send?.parentSpanContext?.spanId).toBe(appended.split("-")[2]);
    expect(send?.spanContext().traceId).toBe(appended.split("-")[1]);
    const [traced, plain] = batch.messages;
    expect(String(traced?.message.headers?.traceparent)).toBe(
      `00-${send?.spanContext().traceId}-${send?.spanContext().spanId}-01`,
    );
    expect(traced?.message.headers?.ce_traceparent).toBe(appended);
    // An event appended without a trace is published without a span or a header.
    expect(plain?.message.headers).not.toHaveProperty("traceparent");
    expect(exporter.getFinishedSpans().filter((s) => s.name.startsWith("send "))).toHaveLength(1);
  });

  it("handles a message in a process span under the header's context, and the handler's spans under it", async () => {
    const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const message = startPublishBatch([event("00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01")])
      .messages[0];
    const headers = { ...message?.message.headers, traceparent: parent };
    const received = fromKafkaMessage({ headers, value: message?.message.value as string });
    await inConsumeSpan(
      received,
      { topic: "gov.intake.application.v1", partition: 1, offset: "7", groupId: "g", headers },
      async () => {
        tracer().startSpan("event-store append").end();
      },
    );
    const spans = exporter.getFinishedSpans();
    const processed = spans.find((s) => s.name === "process gov.intake.application.v1");
    expect(processed?.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
    expect(processed?.attributes).toMatchObject({
      "messaging.consumer.group.name": "g",
      "messaging.kafka.offset": 7,
      "messaging.destination.partition.id": "1",
    });
    const append = spans.find((s) => s.name === "event-store append");
    expect(append?.parentSpanContext?.spanId).toBe(processed?.spanContext().spanId);
  });

  it("continues the event's own traceparent on the embedded bus (no headers), and makes no span without one", async () => {
    const stored = "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01";
    await inConsumeSpan(
      event(stored),
      { topic: "gov.intake.application.v1", offset: "12" },
      async () => undefined,
    );
    await inConsumeSpan(event(), { topic: "gov.intake.application.v1", offset: "13" }, async () => undefined);
    await flushTraces();
    const spans = exporter.getFinishedSpans().filter((s) => s.name.startsWith("process "));
    expect(spans).toHaveLength(1);
    expect(spans[0]?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
    expect(spans[0]?.attributes["messaging.system"]).toBe("gov.embedded");
    expect(contextOfTraceparent("00-00000000000000000000000000000000-b7ad6b7169203331-01")).toBeUndefined();
  });
});
