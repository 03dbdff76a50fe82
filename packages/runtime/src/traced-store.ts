// Event-store appends in the trace of the operation that makes them (docs/operations.md, "Tracing").
import type { EventStore, NewEvent, StreamWrite } from "@gov/eventsourcing";
import { activeTraceparent, inSpan, SpanKind } from "@gov/telemetry";

/**
 * Wraps a store so that each `append` / `appendMany` runs in an `event-store append` span, and each new event
 * carries that span's W3C `traceparent` (the envelope's CloudEvents distributed-tracing attribute, outside
 * the hash): the relay, which publishes later from the store, continues the trace from there. Without an SDK
 * started the span is the API's no-op and no `traceparent` is written.
 */
export function tracedStore<S extends EventStore>(store: S): S {
  const withTrace = (events: readonly NewEvent[]): readonly NewEvent[] => {
    const traceparent = activeTraceparent();
    if (traceparent === undefined) return events;
    return events.map((e) => (e.traceparent === undefined ? { ...e, traceparent } : e));
  };
  const category = (streamId: string) => streamId.split("-", 1)[0] ?? streamId;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === "append" && typeof value === "function") {
        return (streamId: string, events: readonly NewEvent[], ...rest: unknown[]) =>
          inSpan(
            "event-store append",
            {
              kind: SpanKind.INTERNAL,
              attributes: { "gov.stream.category": category(streamId), "gov.event.count": events.length },
            },
            () => value.call(target, streamId, withTrace(events), ...rest),
          );
      }
      if (property === "appendMany" && typeof value === "function") {
        return (writes: readonly StreamWrite[]) =>
          inSpan(
            "event-store append",
            {
              kind: SpanKind.INTERNAL,
              attributes: {
                "gov.stream.category": [...new Set(writes.map((w) => category(w.streamId)))].join(","),
                "gov.event.count": writes.reduce((n, w) => n + w.events.length, 0),
                "gov.stream.count": writes.length,
              },
            },
            () =>
              value.call(
                target,
                writes.map((w) => ({ ...w, events: withTrace(w.events) })),
              ),
          );
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
