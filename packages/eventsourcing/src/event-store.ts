import type { NewEvent, RecordedEvent } from "./envelope.ts";

/**
 * What the caller expects of the stream before appending:
 * - `any`: no check;
 * - `no-stream`: the stream must not exist yet;
 * - `exists`: the stream must have at least one event;
 * - a number: the stream's last event must have this stream version (0-based).
 */
export type ExpectedRevision = "any" | "no-stream" | "exists" | number;

export interface AppendResult {
  /** Stream version of the last event now in the stream; pass it as the next expected revision. */
  nextExpectedRevision: number;
  /** Global positions of the appended events, in order (opaque, adapter-specific). */
  positions: string[];
}

/** One stream's part of a multi-stream append (`appendMany`). */
export interface StreamWrite {
  streamId: string;
  events: readonly NewEvent[];
  expectedRevision: ExpectedRevision;
}

export interface ReadStreamOptions {
  /** First stream version to return (default 0). */
  fromRevision?: number;
  /** Last stream version to return, inclusive (replay "as of revision n"). */
  toRevision?: number;
  /** Only events whose `time` is at or before this ISO instant (replay "as of a point in time"). */
  untilTime?: string;
}

export interface LogFilter {
  /** Stream categories to include (e.g. `application`); all when absent. */
  categories?: readonly string[];
  /** Event types to include; all when absent. */
  types?: readonly string[];
}

export interface ReadAllOptions {
  /** Return events strictly after this position; from the start of the log when absent. */
  after?: string;
  /** At most this many events (default 1000). */
  limit?: number;
  filter?: LogFilter;
  /**
   * Read the stored rows, never an adapter's copy of what this process just wrote (the SQLite adapter answers
   * subscribers near the end of the log from memory). For verifying the store against tampering.
   */
  fromStorage?: boolean;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /**
   * The position to continue from: the last event's position, or, when a filter skipped events, the
   * last position examined. Checkpoint this, not the last delivered event's position.
   */
  nextPosition: string | undefined;
  /** True when the reader reached the end of what is currently safe to read. */
  endOfLog: boolean;
}

export interface StreamMetadata {
  category: string;
  softDeleted: boolean;
  /** Stream version of the last event, or -1 when the stream has no events. */
  lastRevision: number;
}

/**
 * The event store port. Every adapter (SQLite, PostgreSQL, EventStoreDB) passes one contract suite.
 *
 * Guarantees:
 * - `append` is atomic for the batch and idempotent by event id: appending events whose ids are already in
 *   the stream returns the original result; the same ids with different content throw
 *   `IdempotencyConflictError`.
 * - `appendMany` writes several streams all or nothing: every stream's expected revision is checked, and one
 *   conflict (or bad event) stores nothing for any of them. Idempotent by event id like `append`: a repeat of
 *   the same writes returns the original results; writes some of whose events were stored before and others
 *   not are an `IdempotencyConflictError` (retry the original writes unchanged).
 * - Concurrent appends may share one database transaction (group commit, docs/event-store.md), but each
 *   call still succeeds or fails alone, and resolves only once its events are committed.
 * - `readAll` returns events in global log order and never skips an event that a slower transaction
 *   commits later with a lower position (the "gap" problem): it only returns what is safe to read.
 */
export interface EventStore {
  append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;
  /**
   * Appends to several streams in one atomic write, results in the order of `writes`. Stream ids must be
   * distinct. EventStoreDB has no cross-stream transactions: its adapter refuses more than one stream
   * (`MultiStreamAppendUnsupportedError`) before writing anything.
   */
  appendMany(writes: readonly StreamWrite[]): Promise<AppendResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<ReadAllResult>;
  streamMetadata(streamId: string): Promise<StreamMetadata | undefined>;
  /** Soft delete: the stream's events stay in the log (audit), the stream reads as deleted. */
  softDeleteStream(streamId: string): Promise<void>;
  /**
   * Resolves when new events may be readable, or after `timeoutMs`, or when `signal` aborts. Lets
   * subscriptions wait without busy polling (SQLite: in-process notification; PostgreSQL: LISTEN/NOTIFY).
   * With `filter`, the wait may sleep through appends none of whose events are in the filter's categories (a
   * subscriber that reads with that filter would find nothing new): PostgreSQL's notifications name the
   * categories appended; other stores wake for every append, which is always allowed.
   */
  waitForAppend(timeoutMs: number, signal?: AbortSignal, filter?: LogFilter): Promise<void>;
  /**
   * Ends the current `waitForAppend` of the subscriber known by `signal` now, as an append would. Only stores
   * whose filtered waits can sleep through appends have it (PostgreSQL); the others wake for every append.
   */
  wakeWaiting?(signal: AbortSignal): void;
  /** Checks that the store's server is reachable (for /health/ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Durable subscriber checkpoints, compare-and-set on the previous value. */
export interface CheckpointStore {
  load(subscriberId: string): Promise<string | undefined>;
  /** Throws `CheckpointConflictError` when the stored value is not `previous`. */
  store(subscriberId: string, position: string, previous: string | undefined): Promise<void>;
}
