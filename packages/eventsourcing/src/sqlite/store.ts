import { EventEmitter } from "node:events";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  checkExpectedRevision,
  replayedAppendManyResult,
  replayedAppendResult,
  validateWrites,
} from "../append-rules.ts";
import { type NewEvent, type RecordedEvent, streamCategory } from "../envelope.ts";
import { CheckpointConflictError, InvalidEventError, StreamDeletedError } from "../errors.ts";
import type {
  AppendResult,
  CheckpointStore,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  StreamMetadata,
  StreamWrite,
} from "../event-store.ts";
import { type ChainHead, chainEvents } from "../hash-chain.ts";
import { DEFAULT_MAX_EVENT_BYTES, validateNewEvents } from "../validation.ts";
import { migrate } from "./schema.ts";

export interface SqliteEventStoreOptions {
  /** The database file (created if absent). */
  path: string;
  /**
   * FULL (default): a committed append survives a power cut. NORMAL: in WAL mode a power cut may lose the last
   * commits (never corrupts), for about 3–4× the single-append rate.
   */
  synchronous?: "FULL" | "NORMAL";
  maxEventBytes?: number;
  /** How often a waiting subscriber looks for appends made by other processes (ms, default 200). */
  pollMs?: number;
}

/**
 * The statements the store prepares once per handle (exported for `bench:eventstore`, which times an append's own
 * statements without validation and hashing).
 */
export const SQLITE_STORE_SQL = {
  head: "SELECT last_version, last_hash, soft_deleted, category FROM streams WHERE stream_id = ?",
  insert:
    "INSERT INTO events (stream_id, stream_version, event_id, type, category, time, envelope) VALUES (?, ?, ?, ?, ?, ?, ?)",
  upsertHead: `INSERT INTO streams (stream_id, category, last_version, last_hash) VALUES (?, ?, ?, ?)
     ON CONFLICT (stream_id) DO UPDATE SET last_version = excluded.last_version, last_hash = excluded.last_hash`,
  byIds: "SELECT position, envelope FROM events WHERE event_id IN (SELECT value FROM json_each(?))",
  lastPosition: "SELECT COALESCE(MAX(position), 0) AS p FROM events",
  // Prepared once: every subscriber reads the log after every append (was prepared on every call).
  readAll: `SELECT position, envelope FROM events
     WHERE position > ?
       AND (? IS NULL OR category IN (SELECT value FROM json_each(?)))
       AND (? IS NULL OR type IN (SELECT value FROM json_each(?)))
     ORDER BY position LIMIT ?`,
  readStream:
    "SELECT position, envelope FROM events WHERE stream_id = ? AND stream_version >= ? AND stream_version <= ? ORDER BY stream_version",
} as const;

interface StreamRow {
  last_version: number;
  last_hash: string;
  soft_deleted: number;
  category: string;
}

/**
 * The embedded event store: one SQLite file through Node's built-in `node:sqlite`, WAL. `node:sqlite` is
 * synchronous, so a group of appends runs from BEGIN IMMEDIATE to COMMIT without yielding: services sharing one
 * handle in one process never interleave inside a transaction, and other processes wait on the file lock
 * (busy_timeout). With one writer at a time, positions commit in order, so the log has no gaps. Appends made
 * in the same turn of the event loop share one transaction (group commit, see `#enqueue`).
 */
export class SqliteEventStore implements EventStore {
  readonly db: DatabaseSync;
  readonly checkpoints: CheckpointStore;
  readonly #maxEventBytes: number;
  readonly #pollMs: number;
  readonly #appended = new EventEmitter();
  readonly #queue: {
    writes: StreamWrite[];
    resolve: (results: AppendResult[]) => void;
    reject: (error: unknown) => void;
  }[] = [];
  #flushScheduled = false;
  #lastPositionThisTurn: number | undefined;
  /**
   * The log's newest rows as this handle committed them, contiguous in position (see `#readTail`): every subscriber
   * reads the log after every append, mostly only the few rows just written, so those are answered from here
   * without a query (and parsed only for subscribers whose filter matches them).
   */
  #tail: TailEntry[] = [];
  /** Groups committed by this handle, and per waiting subscriber (its signal) the count it last saw. */
  #appends = 0;
  readonly #seenAppends = new WeakMap<AbortSignal, number>();
  readonly #sql: Record<keyof typeof SQLITE_STORE_SQL, StatementSync>;

  constructor(options: SqliteEventStoreOptions) {
    this.db = new DatabaseSync(options.path);
    this.db.exec(
      `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? "FULL"}; PRAGMA busy_timeout = 5000;`,
    );
    migrate(this.db);
    this.#maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.#pollMs = options.pollMs ?? 200;
    this.#appended.setMaxListeners(0);
    this.#sql = Object.fromEntries(
      Object.entries(SQLITE_STORE_SQL).map(([name, sql]) => [name, this.db.prepare(sql)]),
    ) as Record<keyof typeof SQLITE_STORE_SQL, StatementSync>;
    this.checkpoints = sqliteCheckpoints(this.db);
  }

  append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    try {
      validateNewEvents(streamId, events, this.#maxEventBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#enqueue([{ streamId, events, expectedRevision }]).then(
      (results) => results[0] as AppendResult,
    );
  }

  appendMany(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    try {
      validateWrites(writes, this.#maxEventBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#enqueue(writes.map((w) => ({ ...w })));
  }

  /**
   * Group commit: an append joins the queue, and the queue is written on the next turn of the event loop
   * (setImmediate, no timer), so every append made during the same turn — all the requests whose I/O
   * arrived while the previous commit held the loop — shares one BEGIN IMMEDIATE … COMMIT and one fsync.
   * Under no load a group is one append; under load it grows by itself. Each append runs under its own
   * savepoint, so its conflict or error rolls back only its own writes.
   */
  #enqueue(writes: StreamWrite[]): Promise<AppendResult[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ writes, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    const group = this.#queue.splice(0, this.#queue.length);
    if (group.length === 0) return;
    const outcomes: ({ ok: true; results: AppendResult[] } | { ok: false; error: unknown })[] = [];
    const single = group.length === 1;
    // The rows the group inserts, kept for the tail once committed (an append rolled back adds none).
    const written: TailEntry[] = [];
    try {
      this.transaction(() => {
        for (const op of group) {
          const rows: TailEntry[] = [];
          if (single) {
            outcomes.push({ ok: true, results: this.#write(op.writes, rows) });
            written.push(...rows);
            continue;
          }
          this.db.exec("SAVEPOINT gov_append");
          try {
            const results = this.#write(op.writes, rows);
            this.db.exec("RELEASE gov_append");
            outcomes.push({ ok: true, results });
            written.push(...rows);
          } catch (error) {
            this.db.exec("ROLLBACK TO gov_append");
            this.db.exec("RELEASE gov_append");
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // BEGIN or COMMIT failed (or the only append failed): nothing of the group is stored.
      for (const op of group) op.reject(error);
      return;
    }
    this.#lastPositionThisTurn = undefined;
    this.#remember(written);
    group.forEach((op, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) op.resolve(outcome.results);
      else op.reject(outcome?.error);
    });
    if (outcomes.some((o) => o.ok)) {
      this.#appends += 1;
      this.#appended.emit("append");
    }
  }

  /** One append's writes inside the open transaction: all of them, or a throw. Each row inserted goes to `rows`. */
  #write(writes: readonly StreamWrite[], rows: TailEntry[]): AppendResult[] {
    const storedPerWrite = writes.map((write) =>
      (
        this.#sql.byIds.all(JSON.stringify(write.events.map((e) => e.id))) as {
          position: number;
          envelope: string;
        }[]
      ).map(toRecorded),
    );
    if (writes.length === 1 && storedPerWrite[0]?.length) {
      const [write] = writes as [StreamWrite];
      return [replayedAppendResult(write.streamId, write.events, storedPerWrite[0])];
    }
    const replayed = replayedAppendManyResult(writes, storedPerWrite);
    if (replayed) return replayed;
    return writes.map(({ streamId, events, expectedRevision }) => {
      const row = this.#sql.head.get(streamId) as StreamRow | undefined;
      if (row?.soft_deleted) throw new StreamDeletedError(streamId);
      const head: ChainHead | undefined = row
        ? { revision: row.last_version, hash: row.last_hash }
        : undefined;
      checkExpectedRevision(streamId, expectedRevision, head);
      const category = streamCategory(streamId);
      const chained = chainEvents(streamId, head, events);
      const positions = chained.map((e) => {
        const envelope = JSON.stringify(e);
        const position = Number(
          this.#sql.insert.run(streamId, e.streamversion, e.id, e.type, category, e.time, envelope)
            .lastInsertRowid,
        );
        rows.push({ position, category, type: e.type, envelope });
        return String(position);
      });
      const last = (head?.revision ?? -1) + events.length;
      this.#sql.upsertHead.run(streamId, category, last, chained.at(-1)?.hash as string);
      return { nextExpectedRevision: last, positions };
    });
  }

  /** Keeps a committed group's rows in the tail, which stays contiguous: a gap (another writer's rows) restarts it. */
  #remember(rows: readonly TailEntry[]): void {
    for (const row of rows) {
      const last = this.#tail.at(-1);
      if (last && row.position !== last.position + 1) this.#tail = [];
      this.#tail.push(row);
    }
    if (this.#tail.length > TAIL_MAX) this.#tail = this.#tail.slice(-TAIL_MAX / 2);
  }

  /**
   * `readAll` from the tail, when the tail holds every row after `after`: it starts at or before `after + 1`, it is
   * contiguous, and it ends at the log's last position (no other writer has appended since). Otherwise undefined,
   * and the query answers. Same answer as the query: matching rows in order, at most `limit`.
   */
  #readTail(after: number, limit: number, options: ReadAllOptions): ReadAllResult | undefined {
    const tail = this.#tail;
    const first = tail[0];
    const lastRow = tail.at(-1);
    if (!first || !lastRow || after < first.position - 1 || limit <= 0) return undefined;
    const last = this.#lastPosition();
    if (last !== lastRow.position) return undefined;
    const categories = options.filter?.categories ? new Set(options.filter.categories) : undefined;
    const types = options.filter?.types ? new Set(options.filter.types) : undefined;
    const events: RecordedEvent[] = [];
    for (let i = Math.max(0, after - first.position + 1); i < tail.length; i++) {
      const row = tail[i] as TailEntry;
      if (categories && !categories.has(row.category)) continue;
      if (types && !types.has(row.type)) continue;
      events.push(toRecorded(row));
      if (events.length >= limit) return { events, nextPosition: String(row.position), endOfLog: false };
    }
    const next = Math.max(last, after);
    return { events, nextPosition: next === 0 ? options.after : String(next), endOfLog: true };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.untilTime !== undefined && Number.isNaN(Date.parse(options.untilTime))) {
      throw new InvalidEventError("untilTime", `"${options.untilTime}" is not an ISO-8601 instant`);
    }
    const row = this.#sql.head.get(streamId) as StreamRow | undefined;
    if (row?.soft_deleted) throw new StreamDeletedError(streamId);
    const rows = this.#sql.readStream.all(
      streamId,
      options.fromRevision ?? 0,
      options.toRevision ?? Number.MAX_SAFE_INTEGER,
    ) as {
      position: number;
      envelope: string;
    }[];
    const events = rows.map(toRecorded);
    if (options.untilTime === undefined) return events;
    const until = Date.parse(options.untilTime);
    return events.filter((e) => Date.parse(e.time) <= until);
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const after = options.after === undefined ? 0 : Number(options.after);
    if (!Number.isSafeInteger(after) || after < 0)
      throw new InvalidEventError("after", "not a position of this store");
    const limit = options.limit ?? 1000;
    const fromTail = options.fromStorage ? undefined : this.#readTail(after, limit, options);
    if (fromTail) return fromTail;
    const categories = options.filter?.categories ? JSON.stringify(options.filter.categories) : null;
    const types = options.filter?.types ? JSON.stringify(options.filter.types) : null;
    const rows = this.#sql.readAll.all(after, categories, categories, types, types, limit) as {
      position: number;
      envelope: string;
    }[];
    const events = rows.map(toRecorded);
    if (events.length >= limit) return { events, nextPosition: events.at(-1)?.position, endOfLog: false };
    // End of the log: continue from the last position examined, past rows a filter skipped.
    const last = this.#lastPosition();
    const next = Math.max(last, after);
    return { events, nextPosition: next === 0 ? options.after : String(next), endOfLog: true };
  }

  async streamMetadata(streamId: string): Promise<StreamMetadata | undefined> {
    const row = this.#sql.head.get(streamId) as StreamRow | undefined;
    return row
      ? { category: row.category, softDeleted: row.soft_deleted === 1, lastRevision: row.last_version }
      : undefined;
  }

  async softDeleteStream(streamId: string): Promise<void> {
    this.db.prepare("UPDATE streams SET soft_deleted = 1 WHERE stream_id = ?").run(streamId);
  }

  /**
   * The log's last position, read once per turn of the event loop: every subscriber of the process reads the log
   * (and then waits) in the same turn after an append, and asked the database each time. This handle's own
   * commits forget it at once; another process's are seen from the next turn on (the waits' polls ask afresh).
   */
  #lastPosition(): number {
    if (this.#lastPositionThisTurn === undefined) {
      this.#lastPositionThisTurn = (this.#sql.lastPosition.get() as { p: number }).p;
      setImmediate(() => {
        this.#lastPositionThisTurn = undefined;
      });
    }
    return this.#lastPositionThisTurn;
  }

  waitForAppend(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      // A subscriber (known by its signal) that was busy reading or handling when an append in this process
      // committed would have slept through its notification until the next append or its timeout: the count
      // of appends it last saw tells, and it returns at once (a first wait, too: one extra read at most).
      if (signal) {
        const seen = this.#seenAppends.get(signal);
        this.#seenAppends.set(signal, this.#appends);
        if (seen !== this.#appends) return resolve();
      }
      const start = this.#lastPosition();
      const done = () => {
        // Whatever woke it is seen: its next wait sleeps unless another append comes meanwhile.
        if (signal) this.#seenAppends.set(signal, this.#appends);
        clearTimeout(timer);
        clearInterval(poll);
        this.#appended.off("append", done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      // Appends by other processes on the same file are seen by polling.
      const poll = setInterval(() => {
        // A store closed while a subscriber waits wakes it (its next read reports the closed store).
        if (!this.db.isOpen || (this.#sql.lastPosition.get() as { p: number }).p !== start) done();
      }, this.#pollMs);
      this.#appended.on("append", done);
      signal?.addEventListener("abort", done);
    });
  }

  async ping(): Promise<void> {
    this.db.prepare("SELECT 1").get();
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  /** Runs `work` in one write transaction (read-model rows and a checkpoint together, for projections in this file). */
  transaction<T>(work: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }
}

export function openSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  return new SqliteEventStore(options);
}

/** A committed row of the log's tail, its envelope as stored (parsed only when read). */
interface TailEntry {
  position: number;
  category: string;
  type: string;
  envelope: string;
}
/** Rows kept in the tail: enough for every subscriber a few appends behind. */
const TAIL_MAX = 1024;

function toRecorded(row: { position: number; envelope: string }): RecordedEvent {
  return { ...(JSON.parse(row.envelope) as Omit<RecordedEvent, "position">), position: String(row.position) };
}

function sqliteCheckpoints(db: DatabaseSync): CheckpointStore {
  const get = db.prepare("SELECT position FROM checkpoints WHERE subscriber_id = ?");
  const insert = db.prepare(
    "INSERT INTO checkpoints (subscriber_id, position) VALUES (?, ?) ON CONFLICT DO NOTHING",
  );
  const update = db.prepare("UPDATE checkpoints SET position = ? WHERE subscriber_id = ? AND position = ?");
  return {
    async load(subscriberId) {
      return (get.get(subscriberId) as { position: string } | undefined)?.position;
    },
    async store(subscriberId, position, previous) {
      const changed =
        previous === undefined
          ? insert.run(subscriberId, position)
          : update.run(position, subscriberId, previous);
      if (changed.changes === 0) {
        const actual = (get.get(subscriberId) as { position: string } | undefined)?.position;
        if (actual !== position) throw new CheckpointConflictError(subscriberId, previous, actual);
      }
    },
  };
}
