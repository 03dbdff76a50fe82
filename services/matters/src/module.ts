import type { EventStore } from "@gov/eventsourcing";
import { domainErrorMapper } from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { MattersService } from "./application/matters-service.ts";
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
}): ServiceModule & { service: MattersService } {
  const catalog = catalogReadModel(deps.store);
  const service = new MattersService(deps.store, catalog.model);
  return {
    name: "matters",
    prefix: "/matters",
    service,
    routes: mattersRoutes(service, catalog.model, deps.clock ?? (() => new Date().toISOString())),
    errorMappers: [domainErrorMapper],
    // The demo catalog (services/matters/src/demo), loaded by ./scripts/start and by DEMO_DATA=true.
    seedDemo: async () => {
      await seedDemoCatalog(service, catalog.model);
    },
    // The store's own readiness is checked by whoever opened it (the gateway, or the service's main).
    readModels: [catalog],
  };
}
