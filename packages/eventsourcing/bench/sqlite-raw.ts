import { DatabaseSync } from "node:sqlite";
import type { RawDatabase } from "./bench-support.ts";

/** SQLite's plain-statement baseline: a WAL file with synchronous=FULL, one transaction per insert call. */
export function sqliteBench(path: string): RawDatabase {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
  db.exec(
    `CREATE TABLE raw_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL,
       version INTEGER NOT NULL, envelope TEXT NOT NULL);
     CREATE TABLE raw_checkpoint (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
     INSERT INTO raw_checkpoint VALUES (1, 0);`,
  );
  const insert = db.prepare("INSERT INTO raw_events (stream_id, version, envelope) VALUES (?, ?, ?)");
  const select = db.prepare("SELECT seq, envelope FROM raw_events WHERE seq > ? ORDER BY seq LIMIT ?");
  const checkpoint = db.prepare("UPDATE raw_checkpoint SET seq = ? WHERE id = 1");
  return {
    async insert(rows) {
      db.exec("BEGIN IMMEDIATE");
      try {
        for (const [streamId, version, json] of rows) insert.run(streamId, version, json);
        db.exec("COMMIT");
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    },
    async selectPage(after, limit) {
      const rows = select.all(after, limit) as { seq: number; envelope: string }[];
      for (const row of rows) JSON.parse(row.envelope);
      return { count: rows.length, last: rows.at(-1)?.seq ?? after };
    },
    async saveCheckpoint(position) {
      checkpoint.run(position);
    },
    concurrently(_writers, work) {
      return work((rows) => this.insert(rows));
    },
    async close() {
      db.close();
    },
  };
}
