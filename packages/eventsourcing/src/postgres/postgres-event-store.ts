import pg from "pg";
import { validateWrites } from "../append-rules.ts";
import type { NewEvent, RecordedEvent } from "../envelope.ts";
import type {
  AppendResult,
  CheckpointStore,
  EventStore,
  ExpectedRevision,
  LogFilter,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  StreamMetadata,
  StreamWrite,
} from "../event-store.ts";
import { DEFAULT_MAX_EVENT_BYTES, validateNewEvents } from "../validation.ts";
import { type AppendContext, appendEvents, appendGrouped } from "./append.ts";
import { AppendListener } from "./append-listener.ts";
import { PostgresCheckpointStore } from "./checkpoints.ts";
import { GroupCommitter } from "./group-commit.ts";
import { StreamHeadCache } from "./head-cache.ts";
import { migrate } from "./migrations.ts";
import { readAll, readStream, streamMetadata } from "./reads.ts";
import { DEFAULT_SCHEMA, type SqlNames, sqlNames } from "./sql-names.ts";

export interface PostgresEventStoreOptions {
  /** `postgres://…`; with neither this nor `pool`, pg's `PG*` environment variables apply. */
  connectionString?: string;
  /** A pool owned by the caller: `close()` leaves it open. */
  pool?: pg.Pool;
  /** The schema holding the store's tables, created and migrated on open (default `event_store`). */
  schema?: string;
  maxEventBytes?: number;
  /**
   * When committed events are held back by an older, still-open transaction (see readAll), how long
   * readAll waits for it to end before returning what is safe. Default 250 ms; 0 returns at once.
   */
  horizonWaitMs?: number;
  /**
   * Group commit: how many groups of appends may be committing at once, each on its own connection
   * (default 2: one group commits while the next forms). 1 serialises all appends of this store handle.
   */
  maxConcurrentGroups?: number;
}

/** One transaction for a projection (or a reaction): read-model writes, checkpoint and appends commit together. */
export interface PostgresTransaction {
  /** The transaction's connection, for the read model's own statements. */
  client: pg.PoolClient;
  /** Checkpoints written through this transaction. */
  checkpoints: CheckpointStore;
  /** Appends inside this transaction; a lost race throws without aborting the transaction. */
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
}

export interface PostgresEventStore extends EventStore {
  readonly checkpoints: CheckpointStore;
  readonly schema: string;
  /** The pool the store queries through (the caller's, or its own). */
  readonly pool: pg.Pool;
  /** Runs `work` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(work: (tx: PostgresTransaction) => Promise<T>): Promise<T>;
}

/** Opens the store: connects, creates or migrates its schema, and returns it ready to use. */
export async function openPostgresEventStore(
  options: PostgresEventStoreOptions = {},
): Promise<PostgresEventStore> {
  const names = sqlNames(options.schema ?? DEFAULT_SCHEMA);
  const ownPool = options.pool === undefined;
  const pool =
    options.pool ??
    new pg.Pool(options.connectionString === undefined ? {} : { connectionString: options.connectionString });
  // An idle client of our own pool that loses its connection must not crash the process: the pool drops it
  // and the next query connects again. A caller's pool is the caller's to watch.
  if (ownPool) pool.on("error", () => undefined);
  try {
    await migrate(pool, names);
  } catch (error) {
    if (ownPool) await pool.end().catch(() => undefined);
    throw error;
  }
  return new PgEventStore(pool, ownPool, names, options);
}

class PgEventStore implements PostgresEventStore {
  readonly pool: pg.Pool;
  readonly checkpoints: CheckpointStore;
  readonly #ownPool: boolean;
  readonly #names: SqlNames;
  readonly #maxEventBytes: number;
  readonly #horizonWaitMs: number;
  readonly #listener: AppendListener;
  readonly #heads = new StreamHeadCache();
  readonly #group: GroupCommitter;

  constructor(pool: pg.Pool, ownPool: boolean, names: SqlNames, options: PostgresEventStoreOptions) {
    this.pool = pool;
    this.#ownPool = ownPool;
    this.#names = names;
    this.#maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.#horizonWaitMs = options.horizonWaitMs ?? 250;
    this.checkpoints = new PostgresCheckpointStore(pool, names);
    this.#listener = new AppendListener(pool.options, names.channel);
    this.#group = new GroupCommitter(pool, names, options.maxConcurrentGroups ?? 2);
  }

  get schema(): string {
    return this.#names.schema;
  }

  /** Through the group committer: concurrent appends share one transaction (see group-commit.ts). */
  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    validateNewEvents(streamId, events, this.#maxEventBytes);
    const [result] = await appendGrouped(this.#appendContext(this.pool, false), this.#group, [
      { streamId, events, expectedRevision: expected },
    ]);
    return result as AppendResult;
  }

  async appendMany(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    validateWrites(writes, this.#maxEventBytes);
    return appendGrouped(this.#appendContext(this.pool, false), this.#group, writes);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await readStream(this.pool, this.#names, streamId, options);
    const last = events.at(-1);
    if (last) this.#heads.remember(streamId, { revision: last.streamversion, hash: last.hash });
    return events;
  }

  readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    return readAll(this.pool, this.#names, options, this.#horizonWaitMs);
  }

  streamMetadata(streamId: string): Promise<StreamMetadata | undefined> {
    return streamMetadata(this.pool, this.#names, streamId);
  }

  async softDeleteStream(streamId: string): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.#names.streams} SET soft_deleted = true, updated_at = now() WHERE stream_id = $1`,
      [streamId],
    );
  }

  waitForAppend(timeoutMs: number, signal?: AbortSignal, filter?: LogFilter): Promise<void> {
    return this.#listener.wait(timeoutMs, signal, filter?.categories);
  }

  wakeWaiting(signal: AbortSignal): void {
    this.#listener.wake(signal);
  }

  async ping(): Promise<void> {
    await this.pool.query("SELECT 1");
  }

  async transaction<T>(work: (tx: PostgresTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const tx: PostgresTransaction = {
        client,
        checkpoints: new PostgresCheckpointStore(client, this.#names),
        append: (streamId, events, expected) =>
          appendEvents(this.#appendContext(client, true), streamId, events, expected),
      };
      const result = await work(tx);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  #appendContext(db: AppendContext["db"], inTransaction: boolean): AppendContext {
    return { db, names: this.#names, maxEventBytes: this.#maxEventBytes, inTransaction, heads: this.#heads };
  }

  async close(): Promise<void> {
    await this.#listener.close();
    if (this.#ownPool) await this.pool.end();
  }
}
