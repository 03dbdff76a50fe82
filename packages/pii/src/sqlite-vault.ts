import { DatabaseSync } from "node:sqlite";
import { checkMasterKey, type KeyRows, type KeyVault, keyVault } from "./vault.ts";

/**
 * A key vault in its own SQLite file (node:sqlite): WAL, synchronous=FULL, and secure_delete so that an erased
 * key's bytes are overwritten in the file, not just unlinked from the table.
 */
export function openSqliteKeyVault(options: { path: string; masterKey: Buffer }): KeyVault {
  checkMasterKey(options.masterKey);
  const db = new DatabaseSync(options.path);
  db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA busy_timeout=5000;
    CREATE TABLE IF NOT EXISTS subject_keys (
      key_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, wrapped BLOB, created_at TEXT NOT NULL, erased_at TEXT);
    CREATE INDEX IF NOT EXISTS subject_keys_subject ON subject_keys (subject_id);`);
  const current = db.prepare(
    "SELECT key_id, wrapped FROM subject_keys WHERE subject_id = ? AND wrapped IS NOT NULL ORDER BY created_at DESC, key_id LIMIT 1",
  );
  const one = db.prepare("SELECT wrapped FROM subject_keys WHERE subject_id = ? AND key_id = ?");
  const insert = db.prepare(
    "INSERT INTO subject_keys (key_id, subject_id, wrapped, created_at) VALUES (?, ?, ?, ?)",
  );
  const erase = db.prepare(
    "UPDATE subject_keys SET wrapped = NULL, erased_at = ? WHERE subject_id = ? AND wrapped IS NOT NULL",
  );
  const rows: KeyRows = {
    async currentKey(subjectId) {
      const row = current.get(subjectId) as { key_id: string; wrapped: Uint8Array } | undefined;
      return row ? { keyId: row.key_id, wrapped: Buffer.from(row.wrapped) } : undefined;
    },
    async key(subjectId, keyId) {
      const row = one.get(subjectId, keyId) as { wrapped: Uint8Array | null } | undefined;
      if (!row) return undefined;
      return { wrapped: row.wrapped ? Buffer.from(row.wrapped) : null };
    },
    async insert(subjectId, keyId, wrapped, at) {
      insert.run(keyId, subjectId, wrapped, at);
    },
    async erase(subjectId, at) {
      const changes = Number(erase.run(at, subjectId).changes);
      // Fold the WAL into the main file so that the overwritten pages are what remains on disk.
      db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      return changes;
    },
    async close() {
      db.close();
    },
  };
  return keyVault(rows, options.masterKey);
}
