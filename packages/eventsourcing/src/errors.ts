/** Errors of the event store port. Service kits map `ConcurrencyError` to HTTP 409, `InvalidEventError` to 400. */

export class ConcurrencyError extends Error {
  override readonly name = "ConcurrencyError";
  readonly streamId: string;
  readonly expected: string;
  readonly actual: number;
  constructor(streamId: string, expected: string, actual: number) {
    super(`stream ${streamId}: expected revision ${expected}, but the stream is at ${actual}`);
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

export class IdempotencyConflictError extends Error {
  override readonly name = "IdempotencyConflictError";
  readonly eventId: string;
  constructor(eventId: string, detail: string) {
    super(`event ${eventId} was already appended with different content: ${detail}`);
    this.eventId = eventId;
  }
}

export class InvalidEventError extends Error {
  override readonly name = "InvalidEventError";
  /** Which field of which event is at fault, e.g. `events[0].type`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

export class StreamDeletedError extends Error {
  override readonly name = "StreamDeletedError";
  readonly streamId: string;
  constructor(streamId: string) {
    super(`stream ${streamId} is deleted`);
    this.streamId = streamId;
  }
}

export class CheckpointConflictError extends Error {
  override readonly name = "CheckpointConflictError";
  readonly subscriberId: string;
  constructor(subscriberId: string, expected: string | undefined, actual: string | undefined) {
    super(`checkpoint ${subscriberId}: expected ${expected ?? "none"}, found ${actual ?? "none"}`);
    this.subscriberId = subscriberId;
  }
}

/**
 * A decider produced an event whose data breaks its own contract (checked before anything is appended).
 * A programming error: reported as a server error and logged, never as a client's field error.
 */
export class EventContractError extends Error {
  override readonly name = "EventContractError";
  /** The wire type and the field at fault, e.g. `gov.intake.application.accepted.v1: data.caseNumber`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`event breaks its contract: ${field}: ${message}`);
    this.field = field;
  }
}

/**
 * An adapter without cross-stream transactions (EventStoreDB) was asked to write several streams at once.
 * Raised before anything is written: the caller gets all-or-nothing or a clear refusal, never half a write.
 */
export class MultiStreamAppendUnsupportedError extends Error {
  override readonly name = "MultiStreamAppendUnsupportedError";
  readonly streamIds: readonly string[];
  constructor(adapter: string, streamIds: readonly string[]) {
    super(
      `${adapter} cannot append to ${streamIds.length} streams atomically (no cross-stream transactions); ` +
        "nothing was written",
    );
    this.streamIds = streamIds;
  }
}
