import {
  type Projection,
  type ProjectionDatabase,
  type ProjectionHandle,
  type ProjectionRunOptions,
  startProjection,
} from "@gov/eventsourcing/projections";
import { type BusProjection, type BusProjectionHandle, startBusProjection } from "@gov/messaging";
import type { ModuleGauge, ReadModelPort } from "@gov/service-kit";
import { type CalendarCopy, startCalendarCopy } from "./calendar-copy.ts";
import type { ServiceDeps } from "./infrastructure.ts";
import { openProjectionDatabase } from "./projection-db.ts";

export interface ServiceProjectionOptions {
  /** The gauge's help text (the gauge is `<projection name>_projection_lag`). */
  lagHelp: string;
  /** A projection database opened by the caller (default: the service's, from its settings; then closed with it). */
  db?: ProjectionDatabase;
  /** Runner options (page size, grace, polling); the service's logger is added. */
  run?: Omit<ProjectionRunOptions, "logger">;
}

export interface ServiceProjection {
  db: ProjectionDatabase;
  projection: ProjectionHandle;
  /** For the module's `readModels`: readiness, `min-log-position` waits from the checkpoint, close. */
  readModel: ReadModelPort;
  /** For the module's `gauges`: events the active build has not applied yet (capped). */
  lagGauge: ModuleGauge;
  /**
   * Starts a copy of another service's data from its topics in the same database (`startBusProjection`, group
   * `<name>` with `-` for `_`); it is closed before the database.
   */
  copy(projection: BusProjection): Promise<BusProjectionHandle>;
  /** Starts the copy of the published working-day calendar in the same database (`<service>_calendar`). */
  calendarCopy(): Promise<CalendarCopy>;
  /** For the module's `readiness`: each copy's (ready when its consumer has no lag). */
  copiesReadiness(): ReadModelPort["readiness"][];
}

/**
 * A service's SQL read model (docs/projections.md) started as every module starts one: its projection database
 * opened from the settings (the SQLite file `<DATA_DIR>/<service>-projections.db`, or the PostgreSQL schema
 * `<service>_projections`), the projection following the log from its checkpoint, and what the module hands to the
 * kit — the read model (closing it stops the projection, then closes the database it opened) and the lag gauge.
 */
export async function startServiceProjection(
  deps: Pick<ServiceDeps, "store" | "settings" | "logger" | "bus">,
  service: string,
  projection: Projection,
  options: ServiceProjectionOptions,
): Promise<ServiceProjection> {
  const db = options.db ?? (await openProjectionDatabase(deps.settings, service));
  const handle = await startProjection(deps.store, db, projection, { ...options.run, logger: deps.logger });
  const copies: { handle: BusProjectionHandle; close(): Promise<void> }[] = [];
  return {
    db,
    projection: handle,
    readModel: {
      name: handle.name,
      readiness: handle.readiness,
      waitFor: (position, timeoutMs) => handle.waitFor(position, timeoutMs),
      close: async () => {
        // The copies live in the same database: closed before it.
        for (const c of copies) await c.close();
        await handle.close();
        if (!options.db) await db.close();
      },
    },
    copy: async (p) => {
      const copy = await startBusProjection(deps.bus, db, p, { groupId: p.name.replaceAll("_", "-") });
      copies.push({ handle: copy, close: () => copy.close() });
      return copy;
    },
    calendarCopy: async () => {
      const started = await startCalendarCopy(deps, db, service);
      copies.push(started);
      return started.copy;
    },
    copiesReadiness: () => copies.map((c) => c.handle.readiness),
    lagGauge: {
      name: `${projection.name}_projection_lag`,
      help: options.lagHelp,
      value: () => handle.lag(),
    },
  };
}
