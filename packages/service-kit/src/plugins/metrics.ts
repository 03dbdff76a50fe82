import fp from "fastify-plugin";
import { createMetrics, type Metrics } from "../metrics.ts";
import type { ModuleGauge } from "../module.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** The app's Prometheus metrics; modules and the runtime register theirs in `metrics.registry`. */
    metrics: Metrics;
  }
}

/**
 * Per-route request metrics (by route pattern, never the raw URL) and `GET /metrics` in the Prometheus text
 * format, from the app's own registry.
 */
export const metricsPlugin = fp<{ gauges?: readonly ModuleGauge[] }>(
  async (app, options) => {
    const metrics = createMetrics(options.gauges ?? []);
    app.decorate("metrics", metrics);
    app.addHook("onResponse", async (request, reply) => {
      const route = request.routeOptions.url ?? "unmatched";
      metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
      if (reply.statusCode >= 500) metrics.errors.inc({ method: request.method, route });
    });
    app.get("/metrics", { config: { auth: "public" }, schema: { hide: true } }, async (_request, reply) => {
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  },
  { name: "gov-metrics", fastify: "5.x" },
);
