import pg from "pg";
import { prepared } from "../postgres/prepared.ts";
import type { ProjectionDatabase, SqlRunner, SqlValue } from "./port.ts";

export interface PostgresProjectionDatabaseOptions {
  /** `postgres://…`; without it pg's `PG*` environment variables apply. */
  connectionString?: string;
  /** The service's own schema for its read models, e.g. `intake_projections` (created if absent). */
  schema: string;
  /** Pool size (default 5). */
  max?: number;
}

const schemaPattern = /^[a-z][a-z0-9_]{0,47}$/;

/**
 * The projection database of distributed mode: a PostgreSQL schema per service. Every connection of the pool
 * starts with the schema as its `search_path`, so projections name their tables without it. Transactions take their
 * own connection; queries use the pool and see committed data only (READ COMMITTED).
 */
export async function openPostgresProjectionDatabase(
  options: PostgresProjectionDatabaseOptions,
): Promise<ProjectionDatabase> {
  if (!schemaPattern.test(options.schema)) {
    throw new Error(
      `projection schema "${options.schema}": lower-case letters, digits and '_', from a letter`,
    );
  }
  const pool = new pg.Pool({
    ...(options.connectionString ? { connectionString: options.connectionString } : {}),
    max: options.max ?? 5,
    // Every connection starts with the schema as its search_path (a startup option: no extra round trip).
    options: `-c search_path=${options.schema}`,
  });
  pool.on("error", () => undefined);
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`).catch(async (error: unknown) => {
    // Two replicas creating the schema at once: one wins, the other finds it there.
    const found = await pool.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [options.schema]);
    if (found.rowCount === 0) throw error;
  });
  const onPool = runnerOn(pool);
  return {
    ...onPool,
    location: `schema ${options.schema}`,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work(runnerOn(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async tablesStartingWith(prefix) {
      const { rows } = await pool.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND left(table_name, length($2)) = $2",
        [options.schema, prefix],
      );
      return rows.map((r) => r.table_name);
    },
    close: () => pool.end(),
  };
}

/** `?` placeholders → `$1, $2, …` (statements here never put a `?` inside a literal). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function runnerOn(client: pg.Pool | pg.PoolClient): SqlRunner {
  const q = (sql: string, params?: readonly SqlValue[]) =>
    client.query(
      prepared(
        numberPlaceholders(sql),
        (params ?? []).map((p) => (typeof p === "bigint" ? String(p) : p)),
      ),
    );
  return {
    dialect: "postgres",
    run: async (sql, params) => (await q(sql, params)).rowCount ?? 0,
    all: async <Row>(sql: string, params?: readonly SqlValue[]) => (await q(sql, params)).rows as Row[],
    get: async <Row>(sql: string, params?: readonly SqlValue[]) =>
      (await q(sql, params)).rows[0] as Row | undefined,
    exec: async (sql) => {
      await client.query(sql);
    },
  };
}
