import type { ProjectionHandle } from "@gov/eventsourcing/projections";
import { domainErrorMapper, type ServiceDeps, startServiceProjection } from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { startCalendarPart } from "./application/calendar-publication.ts";
import { type MattersCommands, mattersCommands } from "./application/commands.ts";
import { seedDemoCatalog } from "./demo/seed.ts";
import { calendarRoutes } from "./http/calendar-routes.ts";
import { mattersRoutes } from "./http/routes.ts";
import { catalogProjection, SqlCatalog } from "./read-models/catalog-sql.ts";

export type { MattersCommands } from "./application/commands.ts";

export interface MattersModuleOptions {
  /** The time commands read (default: the deps' clock, else the system clock). */
  clock?: () => string;
  /** Publish the official working-day calendar shipped with @gov/calendar at start (default true). */
  seedCalendar?: boolean;
}

/**
 * The matters service (事项清单) as a module: mounted by the embedded gateway, or alone in its own process.
 * Its catalog read model follows the store's log from the start and is ready once it has caught up; the kit
 * reports its readiness, closes it on shutdown and lets reads wait for it (`min-log-position`). It also
 * publishes the working-day calendar (docs/calendar.md), seeded with the official years in every mode.
 */
export async function mattersModule(
  deps: ServiceDeps,
  options: MattersModuleOptions = {},
): Promise<
  ServiceModule & {
    commands: MattersCommands;
    calendar: ReturnType<typeof startCalendarPart>;
    catalog: SqlCatalog;
    projection: ProjectionHandle;
  }
> {
  const clock = options.clock ?? deps.clock ?? (() => new Date().toISOString());
  // The catalog lives in SQL beside the event store (docs/projections.md): the SQLite file
  // <DATA_DIR>/matters-projections.db, or the PostgreSQL schema matters_projections; not rebuilt on start.
  const read = await startServiceProjection(deps, "matters", catalogProjection, {
    lagHelp: "Catalog events the catalog read model has not applied yet (capped at 10000)",
  });
  const projection = read.projection;
  const catalog = new SqlCatalog(projection);
  const commands = mattersCommands(deps.store, catalog);
  const calendar = startCalendarPart({
    store: deps.store,
    clock,
    ...(deps.settings.CALENDAR_WARN_FROM ? { warnFrom: deps.settings.CALENDAR_WARN_FROM } : {}),
    ...(options.seedCalendar === false ? { seed: false } : {}),
  });
  return {
    name: "matters",
    prefix: "/matters",
    commands,
    calendar,
    catalog,
    projection,
    routes: async (app) => {
      await app.register(calendarRoutes(calendar.service, calendar.calendar, clock));
      await app.register(mattersRoutes({ commands, catalog, clock }));
    },
    errorMappers: [domainErrorMapper],
    // The demo catalog (services/matters/src/demo), loaded by ./scripts/start and by DEMO_DATA=true.
    seedDemo: async () => {
      await seedDemoCatalog(commands, catalog, { now: clock });
    },
    // The store's own readiness is checked by whoever opened it (the gateway, or the service's main).
    readModels: [read.readModel, calendar.readModel],
    gauges: [...calendar.gauges, read.lagGauge],
    readiness: calendar.readiness,
    close: () => calendar.close(),
  };
}
