import { comparePositions } from "@gov/eventsourcing/kernel";
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
   * The consumer group's name; the build number is appended (`<groupId>.b<build>`), so that a new build reads
   * the topics from the beginning. Default `<name>`.
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

const OFFSETS = `CREATE TABLE IF NOT EXISTS projection_offsets (
    projection TEXT NOT NULL,
    build INTEGER NOT NULL,
    topic TEXT NOT NULL,
    part INTEGER NOT NULL,
    position TEXT NOT NULL,
    PRIMARY KEY (projection, build, topic, part)
  )`;

/**
 * Starts a bus projection. Each event is applied in ONE transaction with its offset: the row of (topic,
 * partition) moves by compare-and-set from the offset read at the start of the transaction, and an event at or
 * below the stored offset is a repeat and is skipped. So a crash between the rows and the offset rolls both back,
 * and the redelivery that follows (the bus delivers at least once) applies it once.
 *
 * The subscription is a durable consumer group of this build: a restart resumes from the group's committed
 * offsets, never behind the stored ones by more than the events in hand at the crash (skipped as repeats), and
 * nothing is re-read from the start of the topics. Should the group's offsets be gone (Kafka expires the offsets
 * of a group that stays empty past `offsets.retention.minutes`), the group reads from the earliest offset and
 * the stored offsets skip what is in the tables already: slower, never wrong.
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
  await db.exec(OFFSETS).catch(async (error: unknown) => {
    if (!(await db.tablesStartingWith("projection_offsets")).includes("projection_offsets")) throw error;
  });
  const build = await currentBuild(db, projection, now);
  const t = tableNamer(name, build);
  let failure: unknown;

  const apply = async (event: BusEvent, delivery: Delivery) => {
    const handler = projection.handlers[event.type];
    const part = delivery.partition ?? -1;
    const key = [name, build, delivery.topic, part] as const;
    const applied = await db
      .transaction(async (tx) => {
        const row = await tx.get<{ position: string }>(
          "SELECT position FROM projection_offsets WHERE projection = ? AND build = ? AND topic = ? AND part = ?",
          key,
        );
        if (row && comparePositions(delivery.offset, row.position) <= 0) return false; // a repeat
        if (handler) await handler(event, { tx, t });
        options.beforeOffset?.(event, delivery);
        const changed = row
          ? await tx.run(
              "UPDATE projection_offsets SET position = ? WHERE projection = ? AND build = ? AND topic = ? AND part = ? AND position = ?",
              [delivery.offset, ...key, row.position],
            )
          : await tx.run(
              "INSERT INTO projection_offsets (projection, build, topic, part, position) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
              [...key, delivery.offset],
            );
        // Another replica applied it first (a rebalance): roll this one back.
        if (changed !== 1) throw new RepeatedDelivery();
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof RepeatedDelivery) return false;
        failure = error;
        throw error;
      });
    failure = undefined;
    options.afterCommit?.(event, applied);
  };

  const groupId = `${options.groupId ?? name}.b${build}`;
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
      await dropRetired(db, p.name, options.graceMs ?? 10 * 60_000, at());
    }
    return next;
  }
}

class RepeatedDelivery extends Error {}
