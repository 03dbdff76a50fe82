import { join } from "node:path";
import type { CheckpointStore, EventStore } from "@gov/eventsourcing";
import type { RuntimeSettings } from "./config.ts";

export type OpenedStore = EventStore & { readonly checkpoints: CheckpointStore };

/**
 * Opens the configured event store adapter (its schema is created or migrated on open). Only the chosen
 * adapter's module is loaded: a process on SQLite never loads `pg` or the EventStoreDB client.
 */
export async function openStore(c: RuntimeSettings): Promise<OpenedStore> {
  switch (c.EVENT_STORE) {
    case "sqlite": {
      const { openSqliteEventStore } = await import("@gov/eventsourcing/sqlite");
      return openSqliteEventStore({ path: join(c.DATA_DIR, "platform.db") });
    }
    case "postgres": {
      const { openPostgresEventStore } = await import("@gov/eventsourcing/postgres");
      return openPostgresEventStore({
        ...(c.DATABASE_URL ? { connectionString: c.DATABASE_URL } : {}),
        schema: c.EVENT_STORE_SCHEMA,
      });
    }
    case "esdb": {
      const { openEsdbEventStore } = await import("@gov/eventsourcing/esdb");
      return openEsdbEventStore({ connectionString: c.ESDB_CONNECTION_STRING as string });
    }
    default: {
      const never: never = c.EVENT_STORE;
      throw new Error(`unknown EVENT_STORE ${String(never)}`);
    }
  }
}
