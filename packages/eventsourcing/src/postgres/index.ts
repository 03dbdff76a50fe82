export { PostgresCheckpointStore } from "./checkpoints.ts";
export { compareLogPositions, formatLogPosition, parseLogPosition } from "./log-position.ts";
export { LATEST_VERSION as POSTGRES_SCHEMA_VERSION } from "./migrations.ts";
export {
  openPostgresEventStore,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
  type PostgresTransaction,
} from "./postgres-event-store.ts";
