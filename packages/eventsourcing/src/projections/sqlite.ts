import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { ProjectionDatabase, SqlRunner, SqlValue } from "./port.ts";

export interface SqliteProjectionDatabaseOptions {
  /** The database file (created if absent), e.g. `<DATA_DIR>/intake-projections.db` beside the event store. */
  path: string;
}

/**
 * The projection database of embedded mode: one SQLite file (WAL) through `node:sqlite`, with two connections.
 * Queries run on the reader, which in WAL mode sees only committed transactions: a query never sees half of a
 * page or half of a build.
 *
 * Transactions run on the writer, one group at a time, with **group commit**: the transactions asked for during
 * one turn of the event loop (every projection of the file woken by the same append) share one
 * `BEGIN IMMEDIATE … COMMIT`. A commit costs 0.2–0.45 ms of the event loop here even without an fsync, and one
 * append used to cost one commit per projection that follows it. Each transaction of a group runs under its own
 * savepoint, so its error rolls back only its own writes (a projection's checkpoint conflict does not touch its
 * neighbours'); a failed COMMIT fails the whole group, and each caller retries as it would any failure. `node:sqlite`
 * is synchronous, but a transaction's work may await between statements, so the group's works run one after the
 * other.
 */
export function openSqliteProjectionDatabase(options: SqliteProjectionDatabaseOptions): ProjectionDatabase {
  const writer = new DatabaseSync(options.path);
  // NORMAL: a power cut may lose the last pages but never splits one from its checkpoint (the model is derived).
  writer.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  const reader = new DatabaseSync(options.path);
  reader.exec("PRAGMA busy_timeout = 5000; PRAGMA query_only = 1;");
  const onWriter = runnerOn(writer);
  const onReader = runnerOn(reader);
  const commits = groupCommit(writer, onWriter);
  const { transaction } = commits;
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
      await commits.drained();
      reader.close();
      writer.close();
    },
  };
}

interface PendingTransaction {
  work: (tx: SqlRunner) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The writer's transactions, grouped per turn of the event loop (see openSqliteProjectionDatabase). */
function groupCommit(writer: DatabaseSync, tx: SqlRunner) {
  const pending: PendingTransaction[] = [];
  let scheduled = false;
  let flushing: Promise<void> | undefined;
  const schedule = () => {
    if (scheduled || flushing) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      flushing = flush().finally(() => {
        flushing = undefined;
        if (pending.length > 0) schedule();
      });
    });
  };
  const flush = async () => {
    const group = pending.splice(0, pending.length);
    if (group.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      writer.exec("BEGIN IMMEDIATE");
    } catch (error) {
      for (const op of group) op.reject(error);
      return;
    }
    for (const op of group) {
      writer.exec("SAVEPOINT gov_projection");
      try {
        const value = await op.work(tx);
        writer.exec("RELEASE gov_projection");
        outcomes.push({ ok: true, value });
      } catch (error) {
        if (!writer.isTransaction) {
          // SQLite rolled the whole transaction back by itself (a full disk, an I/O error): the writes of the
          // group's earlier transactions are gone too, so the group fails as one.
          for (const each of group) each.reject(error);
          return;
        }
        writer.exec("ROLLBACK TO gov_projection");
        writer.exec("RELEASE gov_projection");
        outcomes.push({ ok: false, error });
      }
    }
    try {
      writer.exec("COMMIT");
    } catch (error) {
      if (writer.isTransaction) writer.exec("ROLLBACK");
      for (const op of group) op.reject(error);
      return;
    }
    group.forEach((op, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) op.resolve(outcome.value);
      else op.reject(outcome?.error);
    });
  };
  return {
    transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    /** Resolves once every transaction asked for so far has committed or failed. */
    async drained(): Promise<void> {
      while (flushing || scheduled || pending.length > 0) {
        await (flushing ?? new Promise((r) => setImmediate(r)));
      }
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
