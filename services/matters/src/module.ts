import type { EventStore } from "@gov/eventsourcing";
import { domainErrorMapper } from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { MattersService } from "./application/matters-service.ts";
import { startCalendarPart } from "./calendar-module.ts";
import { seedDemoCatalog } from "./demo/seed.ts";
import { mattersRoutes } from "./http/routes.ts";
import { catalogReadModel } from "./read-models/catalog-projection.ts";

export { MattersService } from "./application/matters-service.ts";

/**
 * The matters service (事项清单) as a module: mounted by the embedded gateway, or alone in its own process.
 * Its catalog read model follows the store's log from the start and is ready once it has caught up.
 */
export function mattersModule(deps: {
  store: EventStore;
  clock?: () => string;
  settings?: { CALENDAR_WARN_FROM?: string };
  /** Publish the official working-day calendar shipped with @gov/calendar at start (default true). */
  seedCalendar?: boolean;
}): ServiceModule & { service: MattersService; calendar: ReturnType<typeof startCalendarPart> } {
  const catalog = catalogReadModel(deps.store);
  const service = new MattersService(deps.store, catalog.model);
  const clock = deps.clock ?? (() => new Date().toISOString());
  // The working-day calendar (docs/calendar.md): published in every mode, seeded with the official years.
  const calendar = startCalendarPart({
    store: deps.store,
    clock,
    ...(deps.settings?.CALENDAR_WARN_FROM ? { warnFrom: deps.settings.CALENDAR_WARN_FROM } : {}),
    ...(deps.seedCalendar === false ? { seed: false } : {}),
  });
  return {
    name: "matters",
    prefix: "/matters",
    service,
    calendar,
    routes: async (app) => {
      await app.register(calendar.routes(clock));
      await app.register(mattersRoutes(service, catalog.model, clock));
    },
    gauges: calendar.gauges,
    errorMappers: [domainErrorMapper],
    // The demo catalog (services/matters/src/demo), loaded by ./scripts/start and by DEMO_DATA=true.
    seedDemo: async () => {
      await seedDemoCatalog(service, catalog.model);
    },
    // The store's own readiness is checked by whoever opened it (the gateway, or the service's main).
    readModels: [catalog, calendar.readModel],
    readiness: calendar.readiness,
    close: () => calendar.close(),
  };
}
