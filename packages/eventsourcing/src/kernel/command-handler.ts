import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { RecordedEvent } from "../envelope.ts";
import { ConcurrencyError, IdempotencyConflictError } from "../errors.ts";
import type { EventStore } from "../event-store.ts";
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
 * Load the stream (and verify its hash chain: a tampered stream is an IntegrityError, nothing is decided or
 * appended), decide, append with the expected revision (docs/architecture.md, "Event flow").
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  options: HandleOptions<Command, Event, State>,
): Promise<HandleResult<Event, State>> {
  const { store, streamId, decider, types, command, metadata } = options;
  const idBase = options.ids
    ? "idempotencyKey" in options.ids
      ? `key:${options.ids.idempotencyKey}:${streamId}`
      : `caused-by:${options.ids.causationEventId}:${streamId}`
    : undefined;
  const idAt = (i: number) => (idBase ? nameBasedUuid(`${idBase}:${i}`) : randomUUID());

  for (let attempt = 0; ; attempt++) {
    const stored = verifiedStream(streamId, await store.readStream(streamId));
    const history = stored.map((r) => types.toDomain(r));
    if (idBase) {
      const firstId = idAt(0);
      const at = stored.findIndex((r) => r.id === firstId);
      if (at >= 0) return replay(options, stored, history, at);
    }
    const state = history.reduce<State>((s, e) => (e ? decider.evolve(s, e) : s), decider.initialState());
    const last = stored.at(-1)?.streamversion;
    if (options.expectedRevision !== undefined && options.expectedRevision !== (last ?? -1)) {
      throw new ConcurrencyError(streamId, String(options.expectedRevision), last ?? -1);
    }
    const events = decider.decide(command, state);
    if (events.length === 0) {
      return {
        events,
        positions: [],
        position: undefined,
        state,
        nextExpectedRevision: last ?? -1,
        replayed: false,
      };
    }
    const newEvents = events.map((e, i) => toNewEvent(types, e, idAt(i), metadata));
    try {
      const result = await store.append(streamId, newEvents, last === undefined ? "no-stream" : last);
      return {
        events,
        positions: result.positions,
        position: result.positions.at(-1),
        state: events.reduce(decider.evolve, state),
        nextExpectedRevision: result.nextExpectedRevision,
        replayed: false,
      };
    } catch (error) {
      const retry = options.expectedRevision === undefined && attempt < (options.retriesOnConflict ?? 0);
      if (error instanceof ConcurrencyError && retry) continue;
      throw error;
    }
  }
}

/** The command was handled before under the same key: answer with what it produced, if it is the same command. */
function replay<Command, Event extends DomainEvent, State>(
  options: HandleOptions<Command, Event, State>,
  stored: RecordedEvent[],
  history: (Event | undefined)[],
  at: number,
): HandleResult<Event, State> {
  const { decider, command } = options;
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
        isDeepStrictEqual(e.data, original[i]?.data),
    );
  if (!same) {
    throw new IdempotencyConflictError(
      stored[at]?.id ?? "",
      "the Idempotency-Key was used before for a different command",
    );
  }
  const state = history.reduce<State>((s, e) => (e ? decider.evolve(s, e) : s), decider.initialState());
  const positions = stored.slice(at, at + again.length).map((r) => r.position);
  return {
    events: again,
    positions,
    position: positions.at(-1),
    state,
    nextExpectedRevision: stored.at(-1)?.streamversion ?? -1,
    replayed: true,
  };
}
