// The platform's own spans and the W3C trace context it keeps with events (docs/operations.md, "Tracing").
// Only the OpenTelemetry API is used here: without an SDK started (`node --import`, register.ts) every call is a
// no-op — no span is recorded, no `traceparent` is written, and the cost is a function call.
import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from "@opentelemetry/api";

export { type Context, type Span, SpanKind } from "@opentelemetry/api";

/** The tracer of the platform's own spans (event store, relay, consumers). */
const TRACER_NAME = "@gov/platform";

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** W3C Trace Context `traceparent`, version 00: `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** True when `value` is a well-formed version-00 `traceparent` with non-zero ids. */
export function isTraceparent(value: string): boolean {
  const m = TRACEPARENT.exec(value);
  return m !== null && !/^0+$/.test(m[1] as string) && !/^0+$/.test(m[2] as string);
}

/**
 * The `traceparent` of the span active now, when one is recording (an SDK is started and the trace is
 * sampled); undefined otherwise. Written in the W3C format whatever propagators are configured, because the
 * CloudEvents distributed-tracing extension defines the attribute in that format.
 */
export function activeTraceparent(): string | undefined {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/** A context whose parent is the remote span a `traceparent` names; undefined for none or a malformed one. */
export function contextOfTraceparent(traceparent: string | undefined): Context | undefined {
  if (traceparent === undefined) return undefined;
  const m = TRACEPARENT.exec(traceparent.trim().toLowerCase());
  if (!m || !isTraceparent(m[0])) return undefined;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: m[1] as string,
    spanId: m[2] as string,
    traceFlags: Number.parseInt(m[3] as string, 16),
    isRemote: true,
  });
}

/**
 * Runs `fn` in a new active span, ended when `fn` settles; an error is recorded on the span (status ERROR)
 * and thrown on. `parent` defaults to the active context.
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parent,
  );
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with `error` (exception event and status ERROR). */
export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : new Error(String(error)));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

const headerSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** The propagation headers (`traceparent`, `tracestate`, … as the configured propagators write them) for `span`. */
export function propagationHeaders(span: Span): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers, headerSetter);
  return headers;
}

const headerGetter: TextMapGetter<(name: string) => string | undefined> = {
  keys: () => ["traceparent", "tracestate"],
  get: (read, key) => read(key),
};

/** The context the configured propagators read from message headers; undefined when they carry no span. */
export function contextFromHeaders(read: (name: string) => string | undefined): Context | undefined {
  const extracted = propagation.extract(ROOT_CONTEXT, read, headerGetter);
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/**
 * Exports what the SDK still holds (a batch not yet sent) — the service kit calls it at shutdown, after the
 * app closed; a no-op without an SDK.
 */
export async function flushTraces(): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const delegate = (provider.getDelegate?.() ?? provider) as { forceFlush?: () => Promise<void> };
  if (typeof delegate.forceFlush === "function") await delegate.forceFlush().catch(() => undefined);
}

/**
 * The ids of the span active now, for a log line (`trace_id`, `span_id`, `trace_flags`: the names the
 * OpenTelemetry log data model and `@opentelemetry/instrumentation-pino` use); an empty object without one.
 */
export function logTraceFields(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!trace.isSpanContextValid(span.spanContext())) return {};
  return {
    trace_id: traceId,
    span_id: spanId,
    trace_flags: `0${traceFlags.toString(16)}`.slice(-2),
  };
}
