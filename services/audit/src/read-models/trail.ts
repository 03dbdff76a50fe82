import type { Json, RecordedEvent } from "@gov/eventsourcing";
import { insertRows, type Projection, type ProjectionHandle } from "@gov/eventsourcing/projections";
import { caseKeys, serviceOf, whyOf } from "../domain/trail/keys.ts";

const EVENT_COLUMNS = [
  "log_index",
  "id",
  "position",
  "stream",
  "version",
  "type",
  "source",
  "time",
  "caseid",
  "actor_id",
  "actor_role",
  "actor_department",
  "causation",
  "correlation",
  "prevhash",
  "hash",
  "data",
] as const;

/**
 * The audit trail: every event of the log, whichever service wrote it, in log order (`logIndex`, 0-based, the
 * leaf index of the whole-log Merkle tree), indexed under every key that names its case. Follows the log with the
 * shared projection mechanism (docs/projections.md) over all categories.
 */
export const trailProjection: Projection = {
  name: "audit_trail",
  version: 1,
  categories: "all",
  migrations: [
    {
      sqlite: (t) => `
        CREATE TABLE ${t("events")} (
          log_index INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, position TEXT NOT NULL, stream TEXT NOT NULL,
          version INTEGER NOT NULL, type TEXT NOT NULL, source TEXT NOT NULL, time TEXT NOT NULL, caseid TEXT,
          actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, actor_department TEXT, causation TEXT, correlation TEXT,
          prevhash TEXT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
        CREATE INDEX ${t("events_type")} ON ${t("events")} (type, log_index);
        CREATE TABLE ${t("keys")} (key TEXT NOT NULL, log_index INTEGER NOT NULL, PRIMARY KEY (key, log_index));`,
      postgres: (t) => `
        CREATE TABLE ${t("events")} (
          log_index BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, position TEXT NOT NULL, stream TEXT NOT NULL,
          version INTEGER NOT NULL, type TEXT NOT NULL, source TEXT NOT NULL, time TEXT NOT NULL, caseid TEXT,
          actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, actor_department TEXT, causation TEXT, correlation TEXT,
          prevhash TEXT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
        CREATE INDEX ${t("events_type")} ON ${t("events")} (type, log_index);
        CREATE TABLE ${t("keys")} (key TEXT NOT NULL, log_index BIGINT NOT NULL, PRIMARY KEY (key, log_index));`,
    },
  ],
  handlers: {},
  everyPage: async (events, { tx, t }) => {
    // One page at a time: the next log index once, then multi-row inserts (was two or more statements an event).
    const row = await tx.get<{ n: number | string }>(
      `SELECT COALESCE(MAX(log_index), -1) + 1 AS n FROM ${t("events")}`,
    );
    const first = Number(row?.n ?? 0);
    await insertRows(
      tx,
      t("events"),
      EVENT_COLUMNS,
      events.map((e, i) => [
        first + i,
        e.id,
        e.position,
        e.subject,
        e.streamversion,
        e.type,
        e.source,
        e.time,
        e.caseid ?? null,
        e.actor.id,
        e.actor.role,
        e.actor.department ?? null,
        e.causationid ?? null,
        e.correlationid ?? null,
        e.prevhash,
        e.hash,
        JSON.stringify(e.data),
      ]),
    );
    const keys = events.flatMap((e, i) => caseKeys(e).map((key) => [key, first + i]));
    if (keys.length > 0)
      await insertRows(tx, t("keys"), ["key", "log_index"], keys, "ON CONFLICT DO NOTHING");
  },
};

/** One event of the trail as the audit service shows it. */
export interface TrailEvent {
  logIndex: number;
  id: string;
  position: string;
  stream: string;
  version: number;
  service: string;
  type: string;
  time: string;
  caseid?: string;
  actor: { id: string; role: string; department?: string };
  legalBasis?: string;
  reason?: string;
  causationId?: string;
  correlationId?: string;
  prevhash: string;
  hash: string;
  data: Json;
}

interface Row {
  log_index: number | string;
  id: string;
  position: string;
  stream: string;
  version: number | string;
  type: string;
  source: string;
  time: string;
  caseid: string | null;
  actor_id: string;
  actor_role: string;
  actor_department: string | null;
  causation: string | null;
  correlation: string | null;
  prevhash: string;
  hash: string;
  data: string;
}

function toEvent(r: Row): TrailEvent {
  const data = JSON.parse(r.data) as Json;
  return {
    logIndex: Number(r.log_index),
    id: r.id,
    position: r.position,
    stream: r.stream,
    version: Number(r.version),
    service: serviceOf(r.source),
    type: r.type,
    time: r.time,
    ...(r.caseid ? { caseid: r.caseid } : {}),
    actor: {
      id: r.actor_id,
      role: r.actor_role,
      ...(r.actor_department ? { department: r.actor_department } : {}),
    },
    ...whyOf(data),
    ...(r.causation ? { causationId: r.causation } : {}),
    ...(r.correlation ? { correlationId: r.correlation } : {}),
    prevhash: r.prevhash,
    hash: r.hash,
    data,
  };
}

export interface TrailLeaf {
  logIndex: number;
  id: string;
  stream: string;
  version: number;
  hash: string;
}

/** Queries on the trail's active build. */
export class Trail {
  private readonly handle: ProjectionHandle;
  constructor(handle: ProjectionHandle) {
    this.handle = handle;
  }

  /** Every event of a case (any key that names it), in log order. */
  caseEvents(key: string): Promise<TrailEvent[]> {
    return this.eventsOfKeys([key]);
  }

  /**
   * Every event indexed under any of `keys`, once each, in log order, leaving out those in `known` (an earlier
   * round of the same case) before their data is parsed.
   */
  eventsOfKeys(keys: readonly string[], known: ReadonlySet<number> = new Set()): Promise<TrailEvent[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.handle.read(async ({ db, t }) => {
      const marks = keys.map(() => "?").join(", ");
      const rows = await db.all<Row>(
        `SELECT e.* FROM ${t("events")} e
          WHERE e.log_index IN (SELECT k.log_index FROM ${t("keys")} k WHERE k.key IN (${marks}))
          ORDER BY e.log_index`,
        [...keys],
      );
      return rows.filter((r) => !known.has(Number(r.log_index))).map(toEvent);
    });
  }

  /** The events of the given types after `afterIndex`, in log order (at most `limit`). */
  ofType(types: readonly string[], afterIndex: number, limit: number): Promise<TrailEvent[]> {
    return this.handle.read(async ({ db, t }) => {
      const marks = types.map(() => "?").join(", ");
      const rows = await db.all<Row>(
        `SELECT * FROM ${t("events")} WHERE type IN (${marks}) AND log_index > ? ORDER BY log_index LIMIT ?`,
        [...types, afterIndex, limit],
      );
      return rows.map(toEvent);
    });
  }

  /** The event with this id, if the trail has it. */
  byId(id: string): Promise<TrailEvent | undefined> {
    return this.handle.read(async ({ db, t }) => {
      const row = await db.get<Row>(`SELECT * FROM ${t("events")} WHERE id = ?`, [id]);
      return row ? toEvent(row) : undefined;
    });
  }

  /** The events from `fromIndex` on, in log order, as the Merkle tree needs them (its leaves are the hashes). */
  leavesFrom(fromIndex: number, limit: number): Promise<TrailLeaf[]> {
    return this.handle.read(async ({ db, t }) => {
      const rows = await db.all<{
        log_index: number | string;
        id: string;
        stream: string;
        version: number | string;
        hash: string;
      }>(
        `SELECT log_index, id, stream, version, hash FROM ${t("events")} WHERE log_index >= ? ORDER BY log_index LIMIT ?`,
        [fromIndex, limit],
      );
      return rows.map((r) => ({
        logIndex: Number(r.log_index),
        id: r.id,
        stream: r.stream,
        version: Number(r.version),
        hash: r.hash,
      }));
    });
  }
}

export type { RecordedEvent };
