import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { tracingConfigured, untracedRoute } from "./sdk.ts";
import { activeTraceparent, contextOfTraceparent, isTraceparent, logTraceFields } from "./trace-context.ts";

describe("when tracing is on (the standard OTEL_* variables)", () => {
  it("is off unless OTEL_TRACES_EXPORTER names an exporter, and OTEL_SDK_DISABLED=true wins", () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: "none" })).toBe(false);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: " " })).toBe(false);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: "otlp" })).toBe(true);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: "none,console" })).toBe(true);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: "otlp", OTEL_SDK_DISABLED: "TRUE" })).toBe(false);
  });

  it("leaves probes and scrapes untraced", () => {
    expect(untracedRoute("/health/ready")).toBe(true);
    expect(untracedRoute("/metrics")).toBe(true);
    expect(untracedRoute("/intake/applications")).toBe(false);
  });
});

describe("W3C traceparent (Trace Context, version 00)", () => {
  const valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  it("reads a well-formed one into a remote parent, and refuses malformed or all-zero ids", () => {
    const span = trace.getSpanContext(contextOfTraceparent(valid) ?? (undefined as never));
    expect(span).toMatchObject({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: 1,
      isRemote: true,
    });
    expect(isTraceparent(valid)).toBe(true);
    for (const bad of [
      undefined,
      "",
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
    ]) {
      expect(contextOfTraceparent(bad), String(bad)).toBeUndefined();
    }
  });

  it("without an SDK: no active traceparent and no trace fields on log lines", () => {
    expect(activeTraceparent()).toBeUndefined();
    expect(logTraceFields()).toEqual({});
  });
});
