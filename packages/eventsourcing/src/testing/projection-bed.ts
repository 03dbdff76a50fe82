import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventStore } from "../event-store.ts";
import type { ProjectionDatabase } from "../projections/port.ts";
import { openSqliteProjectionDatabase } from "../projections/sqlite.ts";
import { openSqliteEventStore, type SqliteEventStore } from "../sqlite/store.ts";

/** An event store and a projection database beside it, for a projection's tests; `dispose()` removes both. */
export interface ProjectionTestBed<S extends EventStore = EventStore> {
  store: S;
  db: ProjectionDatabase;
  dispose(): Promise<void>;
}

/**
 * Embedded mode's pair in a new temporary folder: the store's file (`synchronous = NORMAL`: a test does not need
 * the fsync) and the projection file beside it, as `<DATA_DIR>/platform.db` and `<service>-projections.db`.
 * (PostgreSQL's pair: `postgresProjectionTestBed` from `@gov/eventsourcing/testing/postgres`.)
 */
export function sqliteProjectionTestBed(prefix: string): ProjectionTestBed<SqliteEventStore> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const store = openSqliteEventStore({ path: join(dir, "platform.db"), synchronous: "NORMAL" });
  const db = openSqliteProjectionDatabase({ path: join(dir, "projections.db") });
  return projectionTestBed(store, db, async () => rmSync(dir, { recursive: true, force: true }));
}

/** A bed of `store` and `db` whose `dispose()` closes the database, then the store, then runs `remove`. */
export function projectionTestBed<S extends EventStore>(
  store: S,
  db: ProjectionDatabase,
  remove: () => Promise<void>,
): ProjectionTestBed<S> {
  return {
    store,
    db,
    async dispose() {
      await db.close();
      await store.close();
      await remove();
    },
  };
}
