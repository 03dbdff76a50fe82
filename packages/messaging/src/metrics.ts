import { Gauge, type Registry } from "prom-client";
import type { EventBus } from "./event-bus.ts";

/**
 * Exposes consumer lag on a Prometheus registry (the service kit's `/metrics`): `messaging_consumer_lag{group}`,
 * the events published but not yet handled by each subscription, measured when the registry is scraped.
 */
export function registerLagMetric(registry: Registry, bus: Pick<EventBus, "subscriptions">): void {
  new Gauge({
    name: "messaging_consumer_lag",
    help: "Events published but not yet handled, per consumer group",
    labelNames: ["group"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of bus.subscriptions()) {
        const lag = await s.lag().catch(() => undefined);
        if (lag !== undefined) this.set({ group: s.groupId }, lag);
      }
    },
  });
}
