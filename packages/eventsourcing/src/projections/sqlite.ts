import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { ProjectionDatabase, SqlRunner, SqlValue } from "./port.ts";

export interface SqliteProjectionDatabaseOptions {
  /** The database file (created if absent), e.g. `<DATA_DIR>/intake-projections.db` beside the event store. */
  path: string;
}

/**
 * The projection database of embedded mode: one SQLite file (WAL) through `node:sqlite`, with two connections.
 * Transactions run on the writer, one at a time (a promise queue: `node:sqlite` is synchronous, but a handler
 * may await between statements, and two projections share the file). Queries run on the reader, which in WAL
 * mode sees only committed transactions: a query never sees half of a page or half of a build.
 */
export function openSqliteProjectionDatabase(options: SqliteProjectionDatabaseOptions): ProjectionDatabase {
  const writer = new DatabaseSync(options.path);
  // NORMAL: a power cut may lose the last pages but never splits one from its checkpoint (the model is derived).
  writer.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  const reader = new DatabaseSync(options.path);
  reader.exec("PRAGMA busy_timeout = 5000; PRAGMA query_only = 1;");
  const onWriter = runnerOn(writer);
  const onReader = runnerOn(reader);
  let queue: Promise<unknown> = Promise.resolve();
  const transaction = <T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> => {
    const next = queue.then(async () => {
      writer.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(onWriter);
        writer.exec("COMMIT");
        return result;
      } catch (error) {
        if (writer.isTransaction) writer.exec("ROLLBACK");
        throw error;
      }
    });
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    dialect: "sqlite",
    location: options.path,
    run: (sql, params) => transaction((tx) => tx.run(sql, params)),
    exec: (sql) => transaction((tx) => tx.exec(sql)),
    all: (sql, params) => onReader.all(sql, params),
    get: (sql, params) => onReader.get(sql, params),
    transaction,
    async tablesStartingWith(prefix) {
      const rows = await onReader.all<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, length(?)) = ?",
        [prefix, prefix],
      );
      return rows.map((r) => r.name);
    },
    async close() {
      await queue;
      reader.close();
      writer.close();
    },
  };
}

function runnerOn(db: DatabaseSync): SqlRunner {
  const cache = new Map<string, StatementSync>();
  const prepared = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const bind = (params: readonly SqlValue[] | undefined) => (params ?? []) as SQLInputValue[];
  return {
    dialect: "sqlite",
    run: async (sql, params) => Number(prepared(sql).run(...bind(params)).changes),
    all: async <Row>(sql: string, params?: readonly SqlValue[]) =>
      prepared(sql).all(...bind(params)) as Row[],
    get: async <Row>(sql: string, params?: readonly SqlValue[]) =>
      prepared(sql).get(...bind(params)) as Row | undefined,
    exec: async (sql) => {
      // DDL invalidates prepared statements; drop the cache so they are prepared again.
      cache.clear();
      db.exec(sql);
    },
  };
}
