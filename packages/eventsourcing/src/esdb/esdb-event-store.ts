import type {
  AllStreamResolvedEvent,
  EventStoreDBClient,
  Position,
  ResolvedEvent,
  StreamingRead,
} from "@eventstore/db-client";
import {
  checkExpectedRevision,
  differingFields,
  replayedAppendResult,
  validateWrites,
} from "../append-rules.ts";
import { type NewEvent, type RecordedEvent, streamCategory } from "../envelope.ts";
import {
  ConcurrencyError,
  IdempotencyConflictError,
  MultiStreamAppendUnsupportedError,
  StreamDeletedError,
} from "../errors.ts";
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
import { chainEvents } from "../hash-chain.ts";
import { DEFAULT_MAX_EVENT_BYTES, validateNewEvents } from "../validation.ts";
import { EsdbAppendListener } from "./esdb-append-listener.ts";
import { EsdbCheckpointStore } from "./esdb-checkpoints.ts";
import { errorType } from "./esdb-errors.ts";
import {
  compareInstants,
  comparePositions,
  formatEsdbPosition,
  parseEsdbPosition,
  toEventData,
  toRecordedEvent,
} from "./esdb-mapping.ts";

export interface EsdbEventStoreOptions {
  /** `esdb://host:2113?tls=false`, `esdb+discover://…` (see the client's connection string docs). */
  connectionString: string;
  maxEventBytes?: number;
  /**
   * Prefix of every stream this store writes (e.g. `tenant1.`): stream ids stay unprefixed in the envelope,
   * and readAll returns only this prefix's streams. Default: none.
   */
  streamPrefix?: string;
  /** Prefix of checkpoint streams, default `$checkpoint-` (system streams: writing them needs `$admins`). */
  checkpointStreamPrefix?: string;
  /**
   * How many of a stream's latest events an append reads to answer retries idempotently and to detect
   * "same id, different content" (default 500). Older ids are not checked by the adapter (see the docs).
   */
  idempotencyWindow?: number;
}

export interface EsdbEventStore extends EventStore {
  readonly checkpoints: CheckpointStore;
  /** The underlying client, for tools that need the server's native API. */
  readonly client: EventStoreDBClient;
}

/** Custom stream-metadata key marking a stream soft-deleted (the events stay in the stream and in `$all`). */
const SOFT_DELETED = "govSoftDeleted";
const MAX_ATTEMPTS = 100;
const MAX_SCAN = 20_000;

/** Connects (the client is loaded on first use, so importing this package does not load gRPC). */
export async function openEsdbEventStore(options: EsdbEventStoreOptions): Promise<EsdbEventStore> {
  const { EventStoreDBClient } = await import("@eventstore/db-client");
  const client = EventStoreDBClient.connectionString(options.connectionString);
  return new EsdbStore(client, options);
}

class EsdbStore implements EsdbEventStore {
  readonly client: EventStoreDBClient;
  readonly checkpoints: CheckpointStore;
  readonly #maxEventBytes: number;
  readonly #prefix: string;
  readonly #window: number;
  readonly #listener: EsdbAppendListener;

  constructor(client: EventStoreDBClient, options: EsdbEventStoreOptions) {
    this.client = client;
    this.#maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.#prefix = options.streamPrefix ?? "";
    this.#window = options.idempotencyWindow ?? 500;
    this.checkpoints = new EsdbCheckpointStore(
      client,
      `${options.checkpointStreamPrefix ?? "$checkpoint-"}${this.#prefix}`,
    );
    this.#listener = new EsdbAppendListener(client);
  }

  /**
   * Reads the stream's latest events (head, and ids for idempotency), chains the batch on that head, and
   * appends with the head's revision as expected revision, so the server rejects the write if anyone
   * appended in between (then the next attempt reports the conflict or re-chains for `any`/`exists`).
   */
  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    validateNewEvents(streamId, events, this.#maxEventBytes);
    const stream = this.#prefix + streamId;
    for (let attempt = 1; ; attempt++) {
      const [tail, softDeleted] = await Promise.all([this.#readTail(stream), this.#isSoftDeleted(stream)]);
      const ids = new Set(events.map((event) => event.id.toLowerCase()));
      const stored = tail.events.filter((event) => ids.has(event.id.toLowerCase()));
      if (stored.length > 0) return replayedAppendResult(streamId, events, stored);
      if (softDeleted) throw new StreamDeletedError(streamId);
      const last = tail.events[0];
      const head = last ? { revision: last.streamversion, hash: last.hash } : undefined;
      checkExpectedRevision(streamId, expected, head);
      const chained = chainEvents(streamId, head, events);
      try {
        await this.client.appendToStream(stream, chained.map(toEventData), {
          expectedRevision: tail.lastRevision ?? "no_stream",
        });
      } catch (error) {
        const type = errorType(error);
        if (type === "stream-deleted") throw new StreamDeletedError(streamId);
        if (type !== "wrong-expected-version") throw error;
        if (attempt >= MAX_ATTEMPTS)
          throw new ConcurrencyError(streamId, String(expected), head?.revision ?? -1);
        continue;
      }
      return this.#readBack(stream, streamId, tail.lastRevision, events);
    }
  }

  /**
   * EventStoreDB appends atomically to one stream only and has no cross-stream transaction. One write is an
   * ordinary `append`; several are refused with `MultiStreamAppendUnsupportedError` before anything is
   * written (never a sequence of appends that could stop half-way).
   */
  async appendMany(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    validateWrites(writes, this.#maxEventBytes);
    if (writes.length > 1) {
      throw new MultiStreamAppendUnsupportedError(
        "EventStoreDB",
        writes.map((w) => w.streamId),
      );
    }
    const [write] = writes as [StreamWrite];
    return [await this.append(write.streamId, write.events, write.expectedRevision)];
  }

  /**
   * The appended events as stored, for their positions. The server also answers "success" without writing
   * when the same event ids were already appended at that revision (its own idempotency, ids only), so the
   * content is compared here too.
   */
  async #readBack(stream: string, streamId: string, before: bigint | undefined, events: readonly NewEvent[]) {
    const from = before === undefined ? 0n : before + 1n;
    const stored = await this.#collect(
      streamId,
      this.client.readStream(stream, { fromRevision: from, maxCount: events.length }),
    );
    const result = events.map((event, i) => {
      const match = stored[i];
      if (!match || match.id.toLowerCase() !== event.id.toLowerCase()) {
        throw new IdempotencyConflictError(
          event.id,
          "the server reported the append, but reading it back found other events",
        );
      }
      const differs = differingFields(match, event);
      if (differs.length > 0) throw new IdempotencyConflictError(event.id, `${differs.join(", ")} differ`);
      return match;
    });
    return {
      nextExpectedRevision: (result.at(-1) as RecordedEvent).streamversion,
      positions: result.map((event) => event.position),
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const stream = this.#prefix + streamId;
    if (await this.#isSoftDeleted(stream)) throw new StreamDeletedError(streamId);
    const from = options.fromRevision ?? 0;
    const to = options.toRevision ?? Number.MAX_SAFE_INTEGER;
    if (to < from) return [];
    const events = await this.#collect(
      streamId,
      this.client.readStream(stream, {
        fromRevision: BigInt(from),
        maxCount: BigInt(to) - BigInt(from) + 1n,
      }),
    );
    const until = options.untilTime;
    return events.filter(
      (event) =>
        event.streamversion >= from &&
        event.streamversion <= to &&
        (until === undefined || compareInstants(event.time, until) <= 0),
    );
  }

  /** `$all` from `after`, skipping system events and other prefixes; filters apply client-side. */
  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const limit = options.limit ?? 1000;
    const after = options.after === undefined ? undefined : parseEsdbPosition(options.after);
    const events: RecordedEvent[] = [];
    let examined: Position | undefined = after;
    let scanned = 0;
    let endOfLog = false;
    while (events.length < limit && scanned < MAX_SCAN) {
      const chunk = Math.min(Math.max(limit - events.length + 1, 256), 4096);
      const read = await this.#collectAll(
        this.client.readAll({ fromPosition: examined ?? "start", maxCount: chunk }),
      );
      scanned += read.length;
      let consumed = 0;
      for (const resolved of read) {
        consumed++;
        const position = resolved.event?.position;
        if (!position || (examined && comparePositions(position, examined) <= 0)) continue;
        examined = position;
        const event = this.#own(resolved, options.filter);
        if (event) events.push(event);
        if (events.length >= limit) break;
      }
      if (read.length < chunk) {
        endOfLog = consumed === read.length && events.length < limit;
        break;
      }
    }
    return { events, nextPosition: examined && formatEsdbPosition(examined), endOfLog };
  }

  #own(resolved: AllStreamResolvedEvent, filter: LogFilter | undefined): RecordedEvent | undefined {
    const streamName = resolved.event?.streamId;
    if (streamName === undefined || !streamName.startsWith(this.#prefix)) return undefined;
    const event = toRecordedEvent(resolved);
    if (!event) return undefined;
    if (filter?.categories && !filter.categories.includes(streamCategory(event.subject))) return undefined;
    if (filter?.types && !filter.types.includes(event.type)) return undefined;
    return event;
  }

  async streamMetadata(streamId: string): Promise<StreamMetadata | undefined> {
    const stream = this.#prefix + streamId;
    const [tail, softDeleted] = await Promise.all([this.#readTail(stream, 1), this.#isSoftDeleted(stream)]);
    const last = tail.events[0];
    if (!last && tail.lastRevision === undefined) return undefined;
    return { category: streamCategory(streamId), softDeleted, lastRevision: last?.streamversion ?? -1 };
  }

  /** Marks the stream deleted in its metadata; unlike the server's own soft delete, nothing is truncated. */
  async softDeleteStream(streamId: string): Promise<void> {
    const stream = this.#prefix + streamId;
    const tail = await this.#readTail(stream, 1);
    if (tail.lastRevision === undefined) return;
    const current = await this.client.getStreamMetadata(stream);
    await this.client.setStreamMetadata(stream, { ...(current.metadata ?? {}), [SOFT_DELETED]: true });
  }

  waitForAppend(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.#listener.wait(timeoutMs, signal);
  }

  async ping(): Promise<void> {
    await this.#collectAll(this.client.readAll({ direction: "backwards", fromPosition: "end", maxCount: 1 }));
  }

  async close(): Promise<void> {
    await this.#listener.close();
    await this.client.dispose();
  }

  /** The stream's latest events (newest first) and the server revision of its last event. */
  async #readTail(stream: string, count = this.#window) {
    const events: RecordedEvent[] = [];
    let lastRevision: bigint | undefined;
    try {
      const read = this.client.readStream(stream, {
        direction: "backwards",
        fromRevision: "end",
        maxCount: count,
      });
      for await (const resolved of read) {
        lastRevision ??= resolved.event?.revision;
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      const type = errorType(error);
      if (type === "stream-deleted") throw new StreamDeletedError(stream.slice(this.#prefix.length));
      if (type !== "stream-not-found") throw error;
    }
    return { events, lastRevision };
  }

  async #isSoftDeleted(stream: string): Promise<boolean> {
    const result = await this.client.getStreamMetadata(stream);
    return result.metadata?.[SOFT_DELETED] === true;
  }

  async #collect(streamId: string, read: StreamingRead<ResolvedEvent>): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of read) {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      const type = errorType(error);
      if (type === "stream-deleted") throw new StreamDeletedError(streamId);
      if (type !== "stream-not-found") throw error;
    }
    return events;
  }

  async #collectAll(read: StreamingRead<AllStreamResolvedEvent>): Promise<AllStreamResolvedEvent[]> {
    const events: AllStreamResolvedEvent[] = [];
    for await (const resolved of read) events.push(resolved);
    return events;
  }
}
