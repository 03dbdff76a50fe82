import type { DatabaseSync } from "node:sqlite";

/** Numbered, append-only schema steps; `schema_migrations` records which ran. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     position INTEGER PRIMARY KEY AUTOINCREMENT,
     stream_id TEXT NOT NULL,
     stream_version INTEGER NOT NULL,
     event_id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     category TEXT NOT NULL,
     time TEXT NOT NULL,
     envelope TEXT NOT NULL,
     UNIQUE (stream_id, stream_version)
   );
   CREATE INDEX events_category ON events (category, position);
   CREATE TABLE streams (
     stream_id TEXT PRIMARY KEY,
     category TEXT NOT NULL,
     last_version INTEGER NOT NULL,
     last_hash TEXT NOT NULL,
     soft_deleted INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE checkpoints (subscriber_id TEXT PRIMARY KEY, position TEXT NOT NULL);`,
];

export function migrate(db: DatabaseSync): void {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
  );
  db.exec("BEGIN IMMEDIATE");
  try {
    const row = db.prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations").get() as {
      v: number;
    };
    for (let v = row.v; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v] as string);
      db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)").run(
        v + 1,
        new Date().toISOString(),
      );
    }
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
