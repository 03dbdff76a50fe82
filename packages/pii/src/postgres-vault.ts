import pg from "pg";
import { checkMasterKey, type KeyRows, type KeyVault, keyVault } from "./vault.ts";

/** A key vault in its own PostgreSQL schema (never the event store's), created on first open. */
export async function openPostgresKeyVault(options: {
  connectionString?: string;
  schema: string;
  masterKey: Buffer;
}): Promise<KeyVault> {
  checkMasterKey(options.masterKey);
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`not a schema name: ${options.schema}`);
  const pool = new pg.Pool({
    ...(options.connectionString ? { connectionString: options.connectionString } : {}),
    max: 4,
  });
  const table = `${options.schema}.subject_keys`;
  // Each statement alone, so that losing a creation race to another process skips only that statement.
  const ddl = [
    `CREATE SCHEMA IF NOT EXISTS ${options.schema}`,
    `CREATE TABLE IF NOT EXISTS ${table} (
      key_id text PRIMARY KEY, subject_id text NOT NULL, wrapped bytea,
      created_at timestamptz NOT NULL, erased_at timestamptz)`,
    `CREATE INDEX IF NOT EXISTS subject_keys_subject ON ${table} (subject_id)`,
  ];
  try {
    for (const statement of ddl) {
      await pool.query(statement).catch((error: { code?: string }) => {
        // 23505 / 42P07 / 42P06: a concurrent CREATE ... IF NOT EXISTS won.
        if (error.code !== "23505" && error.code !== "42P07" && error.code !== "42P06") throw error;
      });
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  const rows: KeyRows = {
    async currentKey(subjectId) {
      const r = await pool.query<{ key_id: string; wrapped: Buffer }>(
        `SELECT key_id, wrapped FROM ${table} WHERE subject_id = $1 AND wrapped IS NOT NULL
          ORDER BY created_at DESC, key_id LIMIT 1`,
        [subjectId],
      );
      const row = r.rows[0];
      return row ? { keyId: row.key_id, wrapped: row.wrapped } : undefined;
    },
    async key(subjectId, keyId) {
      const r = await pool.query<{ wrapped: Buffer | null }>(
        `SELECT wrapped FROM ${table} WHERE subject_id = $1 AND key_id = $2`,
        [subjectId, keyId],
      );
      const row = r.rows[0];
      return row ? { wrapped: row.wrapped } : undefined;
    },
    async insert(subjectId, keyId, wrapped, at) {
      await pool.query(
        `INSERT INTO ${table} (key_id, subject_id, wrapped, created_at) VALUES ($1, $2, $3, $4)`,
        [keyId, subjectId, wrapped, at],
      );
    },
    async erase(subjectId, at) {
      const r = await pool.query(
        `UPDATE ${table} SET wrapped = NULL, erased_at = $2 WHERE subject_id = $1 AND wrapped IS NOT NULL`,
        [subjectId, at],
      );
      return r.rowCount ?? 0;
    },
    async close() {
      await pool.end();
    },
  };
  return keyVault(rows, options.masterKey);
}
