import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { RecordedEvent } from "../envelope.ts";
import { ConcurrencyError, IdempotencyConflictError } from "../errors.ts";
import type { AppendResult, EventStore, StreamWrite } from "../event-store.ts";
import { verifiedStream } from "../hash-chain.ts";
import type { Decider, DomainEvent } from "./decider.ts";
import { type EventMetadata, type EventTypes, toNewEvent } from "./event-types.ts";
import { nameBasedUuid } from "./ids.ts";

export interface HandleOptions<Command, Event extends DomainEvent, State> {
  store: EventStore;
  streamId: string;
  decider: Decider<Command, Event, State>;
  types: EventTypes<Event>;
  command: Command;
  metadata: EventMetadata;
  /**
   * Where the new events' ids come from:
   * - absent: random UUIDs;
   * - `{ idempotencyKey }`: a client's Idempotency-Key; a repeat with the same key and the same command replays
   *   the first result, the same key with a different command is an IdempotencyConflictError;
   * - `{ causationEventId }`: a reaction to another event; ids derived from it make a redelivery harmless.
   */
  ids?: { idempotencyKey: string } | { causationEventId: string };
  /** Re-read and re-decide this many times when another writer appended first (default 0: report the conflict). */
  retriesOnConflict?: number;
  /**
   * Decide against exactly this stream revision (the caller's `If-Match`): a stream that moved on is a
   * ConcurrencyError at once, never retried.
   */
  expectedRevision?: number;
}

export interface HandleResult<Event extends DomainEvent, State> {
  /** The domain events the command produced (or, on a replay, produced the first time). */
  events: Event[];
  /** Global positions of the appended events (on a replay: of the events first appended; empty when none). */
  positions: string[];
  /** The log position of the last event the command appended (or first appended, on a replay). */
  position: string | undefined;
  state: State;
  nextExpectedRevision: number;
  /** True when an idempotent repeat was answered from the store without appending. */
  replayed: boolean;
}

/**
 * A command decided but not yet appended: either already answered (an idempotent replay, or nothing to
 * append), or one stream write to append — alone (`handleCommand`) or together with other commands' writes
 * in one `appendMany` (`handleCommandsTogether`) — and the function that turns its append result into the
 * command's result.
 */
export type PreparedCommand<Event extends DomainEvent, State> =
  | { kind: "answered"; result: HandleResult<Event, State> }
  | {
      kind: "append";
      write: StreamWrite;
      complete(appended: AppendResult): HandleResult<Event, State>;
    };

/**
 * Load the stream (and verify its hash chain: a tampered stream is an IntegrityError, nothing is decided),
 * check a pinned revision, decide. Appends nothing.
 */
export async function prepareCommand<Command, Event extends DomainEvent, State>(
  options: HandleOptions<Command, Event, State>,
): Promise<PreparedCommand<Event, State>> {
  const { store, streamId, decider, types, command, metadata } = options;
  const idBase = options.ids
    ? "idempotencyKey" in options.ids
      ? `key:${options.ids.idempotencyKey}:${streamId}`
      : `caused-by:${options.ids.causationEventId}:${streamId}`
    : undefined;
  const idAt = (i: number) => (idBase ? nameBasedUuid(`${idBase}:${i}`) : randomUUID());

  const stored = verifiedStream(streamId, await store.readStream(streamId));
  const history = stored.map((r) => types.toDomain(r));
  if (idBase) {
    const firstId = idAt(0);
    const at = stored.findIndex((r) => r.id === firstId);
    if (at >= 0) {
      const result =
        options.ids && "causationEventId" in options.ids
          ? redelivered(options, stored, history, at, idAt)
          : replay(options, stored, history, at);
      return { kind: "answered", result };
    }
  }
  const state = history.reduce<State>((s, e) => (e ? decider.evolve(s, e) : s), decider.initialState());
  const last = stored.at(-1)?.streamversion;
  if (options.expectedRevision !== undefined && options.expectedRevision !== (last ?? -1)) {
    throw new ConcurrencyError(streamId, String(options.expectedRevision), last ?? -1);
  }
  const events = decider.decide(command, state);
  if (events.length === 0) {
    return {
      kind: "answered",
      result: {
        events,
        positions: [],
        position: undefined,
        state,
        nextExpectedRevision: last ?? -1,
        replayed: false,
      },
    };
  }
  return {
    kind: "append",
    write: {
      streamId,
      events: events.map((e, i) => toNewEvent(types, e, idAt(i), metadata)),
      expectedRevision: last === undefined ? "no-stream" : last,
    },
    complete: (appended) => ({
      events,
      positions: appended.positions,
      position: appended.positions.at(-1),
      state: events.reduce(decider.evolve, state),
      nextExpectedRevision: appended.nextExpectedRevision,
      replayed: false,
    }),
  };
}

/**
 * Load the stream (and verify its hash chain: a tampered stream is an IntegrityError, nothing is decided or
 * appended), decide, append with the expected revision (docs/architecture.md, "Event flow").
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  options: HandleOptions<Command, Event, State>,
): Promise<HandleResult<Event, State>> {
  for (let attempt = 0; ; attempt++) {
    const prepared = await prepareCommand(options);
    if (prepared.kind === "answered") return prepared.result;
    try {
      const { streamId, events, expectedRevision } = prepared.write;
      return prepared.complete(await options.store.append(streamId, events, expectedRevision));
    } catch (error) {
      const retry = options.expectedRevision === undefined && attempt < (options.retriesOnConflict ?? 0);
      if (error instanceof ConcurrencyError && retry) continue;
      throw error;
    }
  }
}

/**
 * Several commands on several streams as ONE write: `prepare` decides every command (each on its own stream,
 * e.g. with `CommandHandler.prepare`); a command that fails there fails the whole set before anything is
 * appended. The writes are then appended in one `appendMany`, all or nothing. When another writer moved one
 * of the streams first (`ConcurrencyError`), everything is decided again, up to `retriesOnConflict` times.
 * Commands already answered (idempotent replays) append nothing.
 */
export async function handleCommandsTogether<Event extends DomainEvent, State>(
  store: EventStore,
  prepare: () => Promise<PreparedCommand<Event, State>[]>,
  options: { retriesOnConflict?: number } = {},
): Promise<HandleResult<Event, State>[]> {
  for (let attempt = 0; ; attempt++) {
    const prepared = await prepare();
    const pending = prepared.flatMap((p) => (p.kind === "append" ? [p] : []));
    try {
      const appended = pending.length > 0 ? await store.appendMany(pending.map((p) => p.write)) : [];
      return prepared.map((p) =>
        p.kind === "answered" ? p.result : p.complete(appended[pending.indexOf(p)] as AppendResult),
      );
    } catch (error) {
      if (error instanceof ConcurrencyError && attempt < (options.retriesOnConflict ?? 0)) continue;
      throw error;
    }
  }
}

/**
 * A reaction to an event it already reacted to (a redelivery): the same causing event IS the same input, so the
 * answer is what was appended the first time, found by the ids derived from it. Nothing is decided again: the
 * reaction's inputs besides the event (the clock, a local copy of another service's data that a restart has not
 * caught up yet) may differ now, and they must not turn a harmless redelivery into a failure.
 */
function redelivered<Command, Event extends DomainEvent, State>(
  options: HandleOptions<Command, Event, State>,
  stored: RecordedEvent[],
  history: (Event | undefined)[],
  at: number,
  idAt: (i: number) => string,
): HandleResult<Event, State> {
  let n = 0;
  while (stored[at + n] !== undefined && stored[at + n]?.id === idAt(n)) n++;
  return answer(options, stored, history, at, n);
}

/**
 * The command was handled before under the same key: answer with what it produced, if it is the same command.
 * "The same" is decided at the first attempt's moment: the command is decided again against the state before
 * its events, with its `metadata.now` set to the time they were stored, so a retry seconds or days later (whose
 * events would carry a later timestamp) is still recognised.
 */
function replay<Command, Event extends DomainEvent, State>(
  options: HandleOptions<Command, Event, State>,
  stored: RecordedEvent[],
  history: (Event | undefined)[],
  at: number,
): HandleResult<Event, State> {
  const { decider } = options;
  const command = atTime(options.command, stored[at]?.time);
  const before = history
    .slice(0, at)
    .reduce<State>((s, e) => (e ? decider.evolve(s, e) : s), decider.initialState());
  let again: Event[];
  try {
    again = decider.decide(command, before);
  } catch {
    again = [];
  }
  const original = history.slice(at, at + again.length);
  const same =
    again.length > 0 &&
    again.every(
      (e, i) =>
        original[i] !== undefined &&
        e.type === original[i]?.type &&
        isDeepStrictEqual(jsonCopy(e.data), jsonCopy(original[i]?.data)),
    );
  if (!same) {
    throw new IdempotencyConflictError(
      stored[at]?.id ?? "",
      "the Idempotency-Key was used before for a different command",
    );
  }
  return answer(options, stored, history, at, again.length);
}

/** The command with its `metadata.now` (the convention of `commandHandler`) set to `time`, when it has one. */
function atTime<Command>(command: Command, time: string | undefined): Command {
  const c = command as { metadata?: { now?: unknown } };
  if (
    time === undefined ||
    typeof c?.metadata !== "object" ||
    c.metadata === null ||
    !("now" in c.metadata)
  ) {
    return command;
  }
  return { ...command, metadata: { ...c.metadata, now: time } };
}

/** Event data as it is stored (JSON: no undefined-valued keys), for comparing a decision with a stored one. */
const jsonCopy = (data: unknown): unknown =>
  data === undefined ? undefined : JSON.parse(JSON.stringify(data));

/** The result of a command answered from the store: the `count` events it appended at `at`. */
function answer<Command, Event extends DomainEvent, State>(
  options: HandleOptions<Command, Event, State>,
  stored: RecordedEvent[],
  history: (Event | undefined)[],
  at: number,
  count: number,
): HandleResult<Event, State> {
  const { decider } = options;
  const events = history.slice(at, at + count).flatMap((e) => (e ? [e] : []));
  const state = history.reduce<State>((s, e) => (e ? decider.evolve(s, e) : s), decider.initialState());
  const positions = stored.slice(at, at + count).map((r) => r.position);
  return {
    events,
    positions,
    position: positions.at(-1),
    state,
    nextExpectedRevision: stored.at(-1)?.streamversion ?? -1,
    replayed: true,
  };
}
