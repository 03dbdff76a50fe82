import { join } from "node:path";
import type { ProjectionDatabase } from "@gov/eventsourcing/projections";
import type { RuntimeSettings } from "./config.ts";

/**
 * A service's projection database (docs/projections.md), where its read models live as SQL tables beside the
 * event store: embedded mode, the SQLite file `<DATA_DIR>/<service>-projections.db` next to `platform.db`;
 * distributed mode (EVENT_STORE=postgres, or esdb with DATABASE_URL), the PostgreSQL schema
 * `<service>_projections` on the DATABASE_URL server. Only the chosen adapter's module is loaded.
 */
export async function openProjectionDatabase(
  settings: RuntimeSettings,
  service: string,
): Promise<ProjectionDatabase> {
  const onPostgres =
    settings.EVENT_STORE === "postgres" || (settings.EVENT_STORE === "esdb" && settings.DATABASE_URL);
  if (onPostgres) {
    const { openPostgresProjectionDatabase } = await import("@gov/eventsourcing/projections/postgres");
    return openPostgresProjectionDatabase({
      ...(settings.DATABASE_URL ? { connectionString: settings.DATABASE_URL } : {}),
      schema: projectionSchema(service, settings.EVENT_STORE_SCHEMA),
    });
  }
  const { mkdirSync } = await import("node:fs");
  mkdirSync(settings.DATA_DIR, { recursive: true });
  const { openSqliteProjectionDatabase } = await import("@gov/eventsourcing/projections/sqlite");
  return openSqliteProjectionDatabase({ path: join(settings.DATA_DIR, `${service}-projections.db`) });
}

/**
 * The PostgreSQL schema of a service's read models, e.g. `intake_projections`. A store in another schema than the
 * default `event_store` (a test run's fresh schema) gets its own read models, `<store schema>_intake_projections`:
 * a read model's checkpoint is a position in one store and means nothing in another.
 */
export const projectionSchema = (service: string, storeSchema = "event_store") =>
  `${storeSchema === "event_store" ? "" : `${storeSchema}_`}${service.replaceAll("-", "_")}_projections`;
