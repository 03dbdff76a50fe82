import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { ModuleGauge } from "./module.ts";

/** Prometheus metrics of one app: its own registry, so that several apps (and tests) never collide. */
export function createMetrics(gauges: readonly ModuleGauge[] = []) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests by method, route pattern and status",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const errors = new Counter({
    name: "http_request_errors_total",
    help: "HTTP responses with status ≥ 500 by route pattern",
    labelNames: ["method", "route"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by route pattern",
    labelNames: ["method", "route"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  for (const g of gauges) {
    new Gauge({
      name: g.name,
      help: g.help,
      registers: [registry],
      async collect() {
        this.set(await g.value());
      },
    });
  }
  return { registry, requests, errors, duration };
}
export type Metrics = ReturnType<typeof createMetrics>;
