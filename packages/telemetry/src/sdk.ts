// Starting the OpenTelemetry SDK for a service process (register.ts does it under `node --import`).
import type { SpanProcessor } from "@opentelemetry/sdk-trace";

type Env = Record<string, string | undefined>;

/**
 * Tracing is on only when the standard variables ask for it: `OTEL_TRACES_EXPORTER` names an exporter other
 * than `none` (`otlp`, `console`, `zipkin`) and `OTEL_SDK_DISABLED` is not `true`. Otherwise nothing is loaded:
 * no SDK, no exporter, no instrumentation, and the platform's spans are the API's no-ops.
 */
export function tracingConfigured(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== "");
  return exporters.some((e) => e !== "none");
}

/** The packages the SDK's instrumentations patch as they are loaded (the ESM loader hook wraps only these). */
export const INSTRUMENTED_PACKAGES = ["pg", "pg-pool"] as const;

/** Probes and scrapes are not traced: they would be most of the spans and tell nothing. */
export function untracedRoute(url: string): boolean {
  return url.startsWith("/health/") || url === "/metrics";
}

export interface StartedTracing {
  shutdown(): Promise<void>;
}

/**
 * Starts the Node SDK, configured by the `OTEL_*` variables (exporter, endpoint, protocol, sampler, service
 * name, resource attributes), with the instrumentations the platform needs: fastify (`@fastify/otel`, which
 * joins every fastify instance through its `fastify.initialization` diagnostics channel), `pg`, and undici
 * (the gateway's proxy requests). Only traces:
 * metrics stay Prometheus' (`/metrics`) and logs stay pino's, unless `OTEL_METRICS_EXPORTER` or
 * `OTEL_LOGS_EXPORTER` say otherwise. `spanProcessors` replaces the exporter from the environment (tests).
 */
export async function startTracing(
  env: Env = process.env,
  options: { spanProcessors?: SpanProcessor[] } = {},
): Promise<StartedTracing | undefined> {
  if (!options.spanProcessors && !tracingConfigured(env)) return undefined;
  env.OTEL_METRICS_EXPORTER ??= "none";
  env.OTEL_LOGS_EXPORTER ??= "none";
  const [{ NodeSDK }, { FastifyOtelInstrumentation }, { PgInstrumentation }, { UndiciInstrumentation }] =
    await Promise.all([
      import("@opentelemetry/sdk-node"),
      import("@fastify/otel"),
      import("@opentelemetry/instrumentation-pg"),
      import("@opentelemetry/instrumentation-undici"),
    ]);
  const sdk = new NodeSDK({
    instrumentations: [
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: (route) => untracedRoute(route.url),
        // The request and its handler: a span per lifecycle hook (authentication, metrics, problem mapping)
        // would be most of each trace and is named after the hook's source text.
        instrumentHooks: false,
        // Spans named as the HTTP semantic conventions name a server span, `{method} {route}` (the route
        // pattern, never the path: a path can hold an id), instead of `request` and the plugin's source text.
        requestHook: (span, request) =>
          span.updateName(`${request.method} ${request.routeOptions.url ?? ""}`.trim()),
        lifecycleHook: (span, info) =>
          span.updateName(
            `${info.hookName} ${info.request.method} ${info.request.routeOptions.url ?? ""}`.trim(),
          ),
      }),
      // Pool checkouts and queries inside a traced operation only: the relay's and the consumers' polling
      // outside any trace would otherwise be a root trace per query.
      new PgInstrumentation({ requireParentSpan: true }),
      // Outgoing HTTP through undici (the gateway's proxy, fetch): a client span, and the W3C `traceparent`
      // header on the request, so that a service continues the gateway's trace. Diagnostics channels: no hook.
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
