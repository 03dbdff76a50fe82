import type { RecordedEvent } from "../envelope.ts";

/** The two SQL dialects a projection database speaks: embedded mode (SQLite) and distributed mode (PostgreSQL). */
export type SqlDialect = "sqlite" | "postgres";

/** A value bound to a `?` placeholder. Booleans are stored as 0/1 integers in both dialects. */
export type SqlValue = string | number | bigint | null;

/** Statements with `?` placeholders (the PostgreSQL adapter numbers them `$1, $2, …`). */
export interface SqlRunner {
  readonly dialect: SqlDialect;
  /** Runs a statement; answers the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  all<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  get<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  /** Runs several statements without parameters (DDL). */
  exec(sql: string): Promise<void>;
}

/**
 * The projection database port: where read models live, outside the event store (an SQLite file beside it in
 * embedded mode, a PostgreSQL schema per service in distributed mode). Reads outside a transaction see only
 * committed data, so a query never sees half of a page.
 */
export interface ProjectionDatabase extends SqlRunner {
  /** Runs `work` in one transaction (serialised with the database's other transactions in this process). */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** The tables whose names start with `prefix` (to drop a retired build's tables). */
  tablesStartingWith(prefix: string): Promise<string[]>;
  /** Where it is, for logs and the status script (a file path or a schema; never a password). */
  readonly location: string;
  close(): Promise<void>;
}

/** Names a projection's table for one build, e.g. `t("applications")` → `intake_applications_b3_applications`. */
export type TableNamer = (table: string) => string;

/** What a handler gets: the page's transaction and the names of the build's tables. */
export interface ProjectionContext {
  tx: SqlRunner;
  t: TableNamer;
}

/** One step of a version's schema: the same tables spelled for each dialect. */
export type ProjectionMigration = Record<SqlDialect, (t: TableNamer) => string>;

/**
 * A projection: a read model kept in SQL tables, fed from the event log.
 *
 * - `version` names the shape of its tables and what its handlers write: a new version builds into new tables
 *   from the start of the log while the active build keeps serving, then takes over (blue/green).
 * - `migrations` create one build's tables (run once, in one transaction, when the build starts).
 * - `handlers` apply one event each inside the page's transaction; events of other types are skipped.
 * - `applyPage` (optional) applies a whole page at once instead, inside the same transaction: the events of the page
 *   that have a handler, in log order. It must leave the tables as the handlers would, one event after the other;
 *   what it is for is fewer round trips (read the page's rows in one query, write them with multi-row statements:
 *   `insertRows`, `selectIn`), which is what a PostgreSQL projection's catch-up is bound by.
 */
export interface Projection {
  /** Lower-case letters, digits and `_` (e.g. `intake_applications`); prefixes its tables. */
  name: string;
  version: number;
  /** The stream categories it follows, or `"all"`: every event of the log (the audit trail). */
  categories: readonly string[] | "all";
  migrations: readonly ProjectionMigration[];
  handlers: Readonly<Record<string, (event: RecordedEvent, ctx: ProjectionContext) => Promise<void>>>;
  /** Applies a page of the events it has handlers for in one go (multi-row statements), instead of one by one. */
  applyPage?: (events: readonly RecordedEvent[], ctx: ProjectionContext) => Promise<void>;
  /**
   * Applied to every page of the events it follows, all of them in log order, after the page's handlers (the audit
   * trail: one row per event of the log, written with multi-row statements rather than a few statements an event).
   */
  everyPage?: (events: readonly RecordedEvent[], ctx: ProjectionContext) => Promise<void>;
}

/** The log filter of a projection's categories. */
export function projectionFilter(projection: Pick<Projection, "categories">): {
  categories?: readonly string[];
} {
  return projection.categories === "all" ? {} : { categories: projection.categories };
}

export const projectionNamePattern = /^[a-z][a-z0-9_]{0,30}$/;
