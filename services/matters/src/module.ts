import { domainErrorMapper, type ServiceDeps } from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { type MattersCommands, mattersCommands } from "./application/commands.ts";
import { seedDemoCatalog } from "./demo/seed.ts";
import { mattersRoutes } from "./http/routes.ts";
import { catalogReadModel } from "./read-models/catalog-projection.ts";

export type { MattersCommands } from "./application/commands.ts";

export interface MattersModuleOptions {
  /** The time commands read (default: the deps' clock, else the system clock). */
  clock?: () => string;
}

/**
 * The matters service (事项清单) as a module: mounted by the embedded gateway, or alone in its own process.
 * Its catalog read model follows the store's log from the start and is ready once it has caught up; the kit
 * reports its readiness, closes it on shutdown and lets reads wait for it (`min-log-position`).
 */
export async function mattersModule(
  deps: ServiceDeps,
  options: MattersModuleOptions = {},
): Promise<ServiceModule & { commands: MattersCommands }> {
  const clock = options.clock ?? deps.clock ?? (() => new Date().toISOString());
  const catalog = catalogReadModel(deps.store);
  const commands = mattersCommands(deps.store, catalog.model);
  return {
    name: "matters",
    prefix: "/matters",
    commands,
    routes: mattersRoutes({ commands, catalog: catalog.model, clock }),
    errorMappers: [domainErrorMapper],
    // The demo catalog (services/matters/src/demo), loaded by ./scripts/start and by DEMO_DATA=true.
    seedDemo: async () => {
      await seedDemoCatalog(commands, catalog.model, { now: clock });
    },
    // The store's own readiness is checked by whoever opened it (the gateway, or the service's main).
    readModels: [catalog],
  };
}
