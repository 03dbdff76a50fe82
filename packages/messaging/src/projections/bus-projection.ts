import { randomUUID } from "node:crypto";
import {
  activeBuild,
  createBuild,
  dropRetired,
  ensureRegistry,
  type ProjectionContext,
  type ProjectionDatabase,
  type ProjectionMigration,
  type ProjectionReader,
  projectionNamePattern,
  switchActive,
  tableNamer,
} from "@gov/eventsourcing/projections";
import type { BusEvent, Delivery, EventBus, Subscription } from "../event-bus.ts";

/**
 * A copy of another service's data kept from its events on the bus (Kafka, or the embedded bus), in SQL tables of
 * the service's projection database: the catalog, credit statuses, the calendar. The bus's twin of the log's
 * `Projection` (docs/projections.md): tables per build, versioned migrations, a handler per event type that gets
 * the transaction — and, instead of a log checkpoint, the topic offsets, written in the same transaction.
 */
export interface BusProjection {
  /** Lower-case letters, digits and `_`, from a letter (e.g. `intake_matters`); prefixes its tables. */
  name: string;
  /** A new version builds new tables from the start of the topics (see `startBusProjection`). */
  version: number;
  topics: readonly string[];
  migrations: readonly ProjectionMigration[];
  handlers: Readonly<Record<string, (event: BusEvent, ctx: ProjectionContext) => Promise<void>>>;
}

export interface BusProjectionOptions {
  /**
   * The consumer group's name; the build number and a token made when the build's tables were are appended
   * (`<groupId>.b<build>.<token>`), so that a new build, or a new database, reads the topics from the beginning.
   * Default `<name>`.
   */
  groupId?: string;
  /** How long a retired build's tables are kept (default 10 minutes). */
  graceMs?: number;
  now?: () => string;
  /** Called after an event's transaction committed (also when it was a repeat, applied before): e.g. a cache. */
  afterCommit?: (event: BusEvent, applied: boolean) => void;
  /** Test hook: called inside an event's transaction after its rows and before its offset (throw to crash). */
  beforeOffset?: (event: BusEvent, delivery: Delivery) => void;
}

export interface BusProjectionHandle {
  readonly name: string;
  readonly build: number;
  readonly groupId: string;
  /** Ready when the consumer has no lag (every event published so far is in the tables). */
  readonly readiness: { name: string; check(): Promise<void> };
  lag(): Promise<number>;
  read<T>(query: (r: ProjectionReader) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const TABLES = [
  `CREATE TABLE IF NOT EXISTS projection_offsets (
    projection TEXT NOT NULL,
    build INTEGER NOT NULL,
    topic TEXT NOT NULL,
    part INTEGER NOT NULL,
    position TEXT NOT NULL,
    PRIMARY KEY (projection, build, topic, part)
  )`,
  `CREATE TABLE IF NOT EXISTS projection_groups (
    projection TEXT NOT NULL,
    build INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    PRIMARY KEY (projection, build)
  )`,
  `CREATE TABLE IF NOT EXISTS projection_applied (
    projection TEXT NOT NULL,
    build INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (projection, build, event_id)
  )`,
];

/**
 * Starts a bus projection. Each event is applied in ONE transaction with its id (`projection_applied`) and its
 * topic offset (`projection_offsets`): an event whose id is there already is a repeat and is skipped before its
 * handler runs, so a crash between the rows and the offset rolls all of it back, and the redelivery that follows
 * (the bus delivers at least once) applies it once. Repeats are known by id, not by offset: offsets start again
 * on a new cluster or a recreated topic, while the projection database stays.
 *
 * The subscription is a durable consumer group of this build: a restart resumes from the group's committed
 * offsets, never behind the stored ones by more than the events in hand at the crash (skipped as repeats), and
 * nothing is re-read from the start of the topics. Should the group's offsets be gone (Kafka expires the offsets
 * of a group that stays empty past `offsets.retention.minutes`, or a new cluster), the group reads from the
 * earliest offset and the ids skip what is in the tables already: slower, never wrong.
 *
 * A new `version`: a new build with new tables and a new group, active at once (readiness fails until it has
 * caught up; these copies are small next to the log), and the old build's tables are dropped after the grace.
 */
export async function startBusProjection(
  bus: EventBus,
  db: ProjectionDatabase,
  projection: BusProjection,
  options: BusProjectionOptions = {},
): Promise<BusProjectionHandle> {
  const { name, version } = projection;
  if (!projectionNamePattern.test(name)) throw new Error(`projection name "${name}"`);
  const now = options.now ?? (() => new Date().toISOString());
  await ensureRegistry(db);
  for (const sql of TABLES) {
    const table = /projection_\w+/.exec(sql)?.[0] as string;
    await db.exec(sql).catch(async (error: unknown) => {
      // Two replicas creating it at once (PostgreSQL): the loser finds it there.
      if (!(await db.tablesStartingWith(table)).includes(table)) throw error;
    });
  }
  const build = await currentBuild(db, projection, now);
  const t = tableNamer(name, build);
  let failure: unknown;

  const apply = async (event: BusEvent, delivery: Delivery) => {
    const handler = projection.handlers[event.type];
    const key = [name, build, delivery.topic, delivery.partition ?? -1] as const;
    const applied = await db
      .transaction(async (tx) => {
        // A repeat is known by its event id (applied in an earlier transaction), not by comparing offsets: offsets
        // start again from 0 on a new cluster or a recreated topic, event ids never repeat. Two replicas applying
        // the same event (a rebalance): the second insert waits for the first transaction, then finds the id.
        const fresh = await tx.run(
          "INSERT INTO projection_applied (projection, build, event_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
          [name, build, event.id],
        );
        if (fresh !== 1) return false;
        if (handler) await handler(event, { tx, t });
        options.beforeOffset?.(event, delivery);
        await tx.run(
          `INSERT INTO projection_offsets (projection, build, topic, part, position) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (projection, build, topic, part) DO UPDATE SET position = excluded.position`,
          [...key, delivery.offset],
        );
        return true;
      })
      .catch((error: unknown) => {
        failure = error;
        throw error;
      });
    failure = undefined;
    options.afterCommit?.(event, applied);
  };

  // The build's consumer group, named once and kept with the tables: a projection database thrown away (a
  // deleted file, a dropped schema) gets a new group that reads the topics from the start, never the old group's
  // position (which would skip what the old tables held).
  await db.run(
    "INSERT INTO projection_groups (projection, build, group_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    [name, build, `${options.groupId ?? name}.b${build}.${randomUUID().slice(0, 8)}`],
  );
  const groupId = (
    await db.get<{ group_id: string }>(
      "SELECT group_id FROM projection_groups WHERE projection = ? AND build = ?",
      [name, build],
    )
  )?.group_id as string;
  const subscription: Subscription = await bus.subscribe({
    groupId,
    topics: projection.topics,
    handle: apply,
  });
  const lag = () => subscription.lag();
  return {
    name,
    build,
    groupId,
    readiness: {
      name,
      check: async () => {
        if (failure !== undefined) throw new Error(`${name}: ${String(failure)}`);
        const n = await lag();
        if (n > 0) throw new Error(`${name} is ${n} events behind`);
      },
    },
    lag,
    read: (query) => query({ db, t, version, build }),
    async close() {
      await subscription.stop();
    },
  };

  async function currentBuild(db: ProjectionDatabase, p: BusProjection, at: () => string): Promise<number> {
    const current = await activeBuild(db, p.name);
    if (current && current.version === p.version) return current.build;
    const next = await db.transaction((tx) =>
      createBuild(tx, p.name, p.version, at(), current === undefined),
    );
    await db.transaction(async (tx) => {
      for (const m of p.migrations) await tx.exec(m[db.dialect](tableNamer(p.name, next)));
    });
    if (current) {
      await switchActive(db, p.name, current.build, next, at());
      for (const b of await dropRetired(db, p.name, options.graceMs ?? 10 * 60_000, at()))
        await db.transaction(async (tx) => {
          for (const table of ["projection_applied", "projection_offsets", "projection_groups"])
            await tx.run(`DELETE FROM ${table} WHERE projection = ? AND build = ?`, [p.name, b]);
        });
    }
    return next;
  }
}
