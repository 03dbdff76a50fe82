import type { DatabaseSync } from "node:sqlite";

/**
 * Exactly once in effect for a read model in a SQLite file: the handler's writes and the record that this
 * consumer processed this event id commit in one transaction, so a redelivered event changes nothing.
 */
export function sqliteInbox(db: DatabaseSync, table = "processed_events") {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a table name: ${table}`);
  db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
    consumer TEXT NOT NULL, event_id TEXT NOT NULL, processed_at TEXT NOT NULL,
    PRIMARY KEY (consumer, event_id))`);
  const seen = db.prepare(`SELECT 1 FROM ${table} WHERE consumer = ? AND event_id = ?`);
  const mark = db.prepare(`INSERT INTO ${table} (consumer, event_id, processed_at) VALUES (?, ?, ?)`);
  return {
    /** Runs `work` and records the event in one transaction; false (and nothing done) when seen before. */
    once(consumer: string, eventId: string, work: () => void): boolean {
      db.exec("BEGIN IMMEDIATE");
      try {
        if (seen.get(consumer, eventId)) {
          db.exec("ROLLBACK");
          return false;
        }
        work();
        mark.run(consumer, eventId, new Date().toISOString());
        db.exec("COMMIT");
        return true;
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    },
  };
}
