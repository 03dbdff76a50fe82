import canonicalize from "canonicalize";
import type { NewEvent, RecordedEvent } from "./envelope.ts";
import { ConcurrencyError, IdempotencyConflictError, InvalidEventError } from "./errors.ts";
import type { AppendResult, ExpectedRevision, StreamWrite } from "./event-store.ts";
import type { ChainHead } from "./hash-chain.ts";
import { validateNewEvents } from "./validation.ts";

// Append rules every adapter applies the same way (SQLite, PostgreSQL, EventStoreDB).

/** Throws ConcurrencyError unless the stream's head satisfies the caller's expected revision. */
export function checkExpectedRevision(
  streamId: string,
  expected: ExpectedRevision,
  head: ChainHead | undefined,
): void {
  const actual = head?.revision ?? -1;
  const ok =
    expected === "any" ||
    (expected === "no-stream" && head === undefined) ||
    (expected === "exists" && actual >= 0) ||
    (typeof expected === "number" && actual === expected);
  if (!ok) throw new ConcurrencyError(streamId, String(expected), actual);
}

/**
 * Fields the store adds to a new event, and `traceparent` (the trace of the try, not part of the event: a
 * retry from another request carries another one); everything else must match for a retried append to be
 * "the same".
 */
const storeFields = new Set([
  "specversion",
  "subject",
  "streamversion",
  "position",
  "prevhash",
  "hash",
  "traceparent",
]);

/** The top-level fields in which a stored event differs from a new one (empty when they are the same). */
export function differingFields(stored: RecordedEvent | Omit<RecordedEvent, "position">, incoming: NewEvent) {
  const a = contentOf(stored);
  const b = contentOf(incoming);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((key) => canonicalize(a[key]) !== canonicalize(b[key])).sort();
}

function contentOf(event: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (value !== undefined && !storeFields.has(key)) out[key] = value;
  }
  return out;
}

/**
 * The answer to an append whose event ids are already stored: the original result when every event of the
 * batch is stored in this stream with the same content, else IdempotencyConflictError naming the reason.
 */
export function replayedAppendResult(
  streamId: string,
  events: readonly NewEvent[],
  stored: readonly RecordedEvent[],
): AppendResult {
  const byId = new Map(stored.map((event) => [event.id.toLowerCase(), event]));
  const missing = events.filter((event) => !byId.has(event.id.toLowerCase()));
  const first = stored[0];
  if (first && missing.length > 0) {
    throw new IdempotencyConflictError(
      first.id,
      `${events.length - missing.length} of the batch's ${events.length} events were appended before, ` +
        `the others not: retry the original batch unchanged`,
    );
  }
  const original = events.map((event) => {
    const match = byId.get(event.id.toLowerCase()) as RecordedEvent;
    if (match.subject !== streamId) {
      throw new IdempotencyConflictError(event.id, `it was appended to stream ${match.subject}`);
    }
    const differs = differingFields(match, event);
    if (differs.length > 0) throw new IdempotencyConflictError(event.id, `${differs.join(", ")} differ`);
    return match;
  });
  return {
    nextExpectedRevision: Math.max(...original.map((event) => event.streamversion)),
    positions: original.map((event) => event.position),
  };
}

/**
 * Checks a multi-stream append before anything is stored: at least one write, distinct stream ids, every
 * batch valid, no event id twice across the writes. Fields are named `writes[i]…`.
 */
export function validateWrites(writes: readonly StreamWrite[], maxEventBytes: number): void {
  if (!Array.isArray(writes as unknown) || writes.length === 0) {
    throw new InvalidEventError("writes", "at least one stream write is required");
  }
  const streams = new Set<string>();
  const ids = new Set<string>();
  writes.forEach((write, w) => {
    try {
      validateNewEvents(write.streamId, write.events, maxEventBytes);
    } catch (error) {
      if (error instanceof InvalidEventError)
        throw new InvalidEventError(`writes[${w}].${error.field}`, error.message);
      throw error;
    }
    if (streams.has(write.streamId)) {
      throw new InvalidEventError(`writes[${w}].streamId`, "each stream may appear only once");
    }
    streams.add(write.streamId);
    write.events.forEach((event, i) => {
      const id = event.id.toLowerCase();
      if (ids.has(id))
        throw new InvalidEventError(`writes[${w}].events[${i}].id`, "duplicate id across the writes");
      ids.add(id);
    });
  });
}

/**
 * The answer to a multi-stream append given the events already stored under its ids (per write): undefined
 * when none is stored (go ahead), the original results when every write was stored before with the same
 * content, else IdempotencyConflictError (part of the writes stored, the rest not: never completed silently).
 */
export function replayedAppendManyResult(
  writes: readonly StreamWrite[],
  storedPerWrite: readonly (readonly RecordedEvent[])[],
): AppendResult[] | undefined {
  const anyStored = storedPerWrite.some((stored) => stored.length > 0);
  if (!anyStored) return undefined;
  return writes.map((write, w) => {
    const stored = storedPerWrite[w] ?? [];
    if (stored.length === 0) {
      const other = storedPerWrite.find((s) => s.length > 0)?.[0];
      throw new IdempotencyConflictError(
        other?.id ?? write.events[0]?.id ?? "",
        `the writes to other streams were appended before, the write to ${write.streamId} not: ` +
          "retry the original writes unchanged",
      );
    }
    return replayedAppendResult(write.streamId, write.events, stored);
  });
}
