// The operational metrics a service process adds to its `/metrics` (docs/operations.md, "Metrics"): how far
// its relay is behind, how long appends take, and whether it is ready. The Grafana dashboard and the alert
// rules under infra/observability/ read these names.
import type { EventStore } from "@gov/eventsourcing";
import { Gauge, Histogram, type Registry } from "prom-client";

export interface OperationalMetrics {
  /** `relay_lag_seconds{relay}`: set after each page the relay publishes. */
  relayLag(relay: string, seconds: number): void;
  /** Wraps a store so that `append` and `appendMany` are timed in `event_store_append_duration_seconds`. */
  timed<S extends EventStore>(store: S): S;
  register(registry: Registry): void;
}

export function operationalMetrics(): OperationalMetrics {
  const lag = new Gauge({
    name: "relay_lag_seconds",
    help: "Age of the last event the relay published while more remained; 0 once it reached the end of the log",
    labelNames: ["relay"],
    registers: [],
  });
  const appendDuration = new Histogram({
    name: "event_store_append_duration_seconds",
    help: "Event store appends (one stream, or several all-or-nothing), from call to commit",
    labelNames: ["operation"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [],
  });
  return {
    relayLag: (relay, seconds) => lag.set({ relay }, seconds),
    timed<S extends EventStore>(store: S): S {
      return new Proxy(store, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if ((property !== "append" && property !== "appendMany") || typeof value !== "function") {
            return typeof value === "function" ? value.bind(target) : value;
          }
          return async (...args: unknown[]) => {
            const end = appendDuration.startTimer({ operation: property });
            try {
              return await value.apply(target, args);
            } finally {
              end();
            }
          };
        },
      });
    },
    register(registry) {
      if (!registry.getSingleMetric("relay_lag_seconds")) registry.registerMetric(lag);
      if (!registry.getSingleMetric("event_store_append_duration_seconds"))
        registry.registerMetric(appendDuration);
    },
  };
}

/** `service_ready`: 1 while `/health/ready` answers 200, else 0 (asked when Prometheus scrapes). */
export function registerReadyMetric(registry: Registry, ready: () => Promise<boolean>): void {
  if (registry.getSingleMetric("service_ready")) return;
  new Gauge({
    name: "service_ready",
    help: "1 while every readiness check passes (GET /health/ready answers 200), else 0",
    registers: [registry],
    async collect() {
      this.set((await ready().catch(() => false)) ? 1 : 0);
    },
  });
}
