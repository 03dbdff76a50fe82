import { randomUUID } from "node:crypto";
import pg from "pg";
import type { NewEvent } from "../envelope.ts";
import { openPostgresProjectionDatabase } from "../projections/postgres.ts";
import { type ProjectionTestBed, projectionTestBed } from "../testing/projection-bed.ts";
import {
  openPostgresEventStore,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
} from "./postgres-event-store.ts";

/**
 * Test set-up for the PostgreSQL suites: `DATABASE_URL` when set, else pg's `PG*` variables when any is set,
 * else the workplace's local server (postgres@127.0.0.1:5432/test).
 */
export function testConnectionString(): string | undefined {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (Object.keys(process.env).some((key) => /^PG(HOST|PORT|USER|DATABASE|PASSWORD)$/.test(key))) {
    return undefined;
  }
  return "postgres://postgres@127.0.0.1:5432/test";
}

export function testPoolConfig(): pg.PoolConfig {
  const connectionString = testConnectionString();
  return connectionString === undefined ? {} : { connectionString };
}

/** `true` when the server answers, else the reason to report with useBackend. */
export async function probePostgres(): Promise<true | { reason: string }> {
  const client = new pg.Client({ ...testPoolConfig(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch (error) {
    return { reason: `PostgreSQL unreachable: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A unique schema name per store, so that test files (and tests) never share tables. */
export function freshSchema(prefix = "es_test"): string {
  return `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const pool = new pg.Pool({ ...testPoolConfig(), max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}

export function openTestStore(
  schema: string,
  options: Omit<PostgresEventStoreOptions, "schema" | "connectionString" | "pool"> = {},
): Promise<PostgresEventStore> {
  const connectionString = testConnectionString();
  return openPostgresEventStore({
    ...(connectionString === undefined ? {} : { connectionString }),
    schema,
    ...options,
  });
}

/** A valid new event with a fresh id. */
export function newEvent(type = "gov.test.thing.happened.v1", data: NewEvent["data"] = {}): NewEvent {
  return {
    id: randomUUID(),
    type,
    source: "gov.test",
    time: "2026-03-02T09:30:00.000+08:00",
    data,
    actor: { id: "tester", role: "system" },
  };
}

/** Whether `promise` settles before `ms` (a deadline far above what the tests expect, not a measurement). */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), late]).finally(() => clearTimeout(timer));
}

/**
 * Distributed mode's pair for a projection's tests: an event store and a projection database, each in a fresh
 * schema of the test server (`<prefix>_…` and that name with `_rm`); `dispose()` closes both and drops the schemas.
 */
export async function postgresProjectionTestBed(
  prefix: string,
): Promise<ProjectionTestBed<PostgresEventStore>> {
  const schema = freshSchema(prefix);
  const store = await openTestStore(schema);
  const connectionString = testConnectionString();
  const db = await openPostgresProjectionDatabase({
    ...(connectionString === undefined ? {} : { connectionString }),
    schema: `${schema}_rm`,
  });
  return projectionTestBed(store, db, async () => {
    await dropSchema(schema);
    await dropSchema(`${schema}_rm`);
  });
}
