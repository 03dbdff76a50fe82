import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { GENESIS_HASH, type NewEvent, type RecordedEvent } from "./envelope.ts";

/**
 * Per-stream hash chain (tamper evidence; docs/event-store.md): each event's `hash` is the
 * SHA-256 of its canonical JSON (RFC 8785 via `canonicalize`), which includes `prevhash`, the previous
 * event's hash. The global `position` is left out: some stores (PostgreSQL, EventStoreDB) assign it only at
 * commit, after the hash must be known.
 */
export type ChainedEvent = Omit<RecordedEvent, "position">;

/**
 * Envelope fields the hash leaves out: `hash` itself, `position` (assigned at commit), and `traceparent`, the
 * trace context of the operation that appended the event. The hash is the legal record's tamper evidence;
 * the trace context is operational metadata: it only says which trace to continue, differs between two tries
 * of the same append, and exists only while tracing is on. Hashing it would make an event's hash depend on
 * whether tracing was on; altering it can mislead a trace view, never the record. Events stored before the
 * attribute existed verify unchanged.
 */
export const UNHASHED_FIELDS: ReadonlySet<string> = new Set(["hash", "position", "traceparent"]);

/** The envelope fields a hash covers: everything but `UNHASHED_FIELDS`, with absent optionals dropped. */
export function hashedFields(event: ChainedEvent | RecordedEvent): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (UNHASHED_FIELDS.has(key) || value === undefined) continue;
    fields[key] = value;
  }
  return fields;
}

export function hashEvent(event: ChainedEvent | RecordedEvent): string {
  const canonical = canonicalize(hashedFields(event));
  if (canonical === undefined) throw new Error(`event ${event.id} has no canonical JSON form`);
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

/** The last event of a stream as the chain needs it; `undefined` for an empty stream. */
export interface ChainHead {
  revision: number;
  hash: string;
}

/** Gives new events their stream versions and hashes, continuing the chain from `head`. */
export function chainEvents(
  streamId: string,
  head: ChainHead | undefined,
  events: readonly NewEvent[],
): ChainedEvent[] {
  let revision = head?.revision ?? -1;
  let prevhash = head?.hash ?? GENESIS_HASH;
  return events.map((event) => {
    revision += 1;
    const chained: ChainedEvent = {
      ...stripUndefined(event),
      specversion: "1.0",
      subject: streamId,
      streamversion: revision,
      prevhash,
      hash: "",
    };
    chained.hash = hashEvent(chained);
    prevhash = chained.hash;
    return chained;
  });
}

export type ChainVerification =
  | { ok: true; streamId: string; events: number; lastHash: string }
  | {
      ok: false;
      streamId: string;
      /** The stream version where verification failed. */
      revision: number;
      reason: "hash-mismatch" | "broken-link" | "missing-revision";
      message: string;
    };

/**
 * Verifies a whole stream read from the store: versions are contiguous from 0, each event links to its
 * predecessor's hash, and each hash matches the event's content. Names the first revision at fault.
 */
export function verifyChain(streamId: string, events: readonly RecordedEvent[]): ChainVerification {
  let prevhash = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as RecordedEvent;
    if (event.streamversion !== i) {
      return fail(streamId, i, "missing-revision", `expected revision ${i}, found ${event.streamversion}`);
    }
    if (event.prevhash !== prevhash) {
      return fail(streamId, i, "broken-link", `prevhash does not match the hash of revision ${i - 1}`);
    }
    if (hashEvent(event) !== event.hash) {
      return fail(streamId, i, "hash-mismatch", "stored content does not match its hash (altered)");
    }
    prevhash = event.hash;
  }
  return { ok: true, streamId, events: events.length, lastHash: prevhash };
}

/**
 * A stream read for a command failed its hash-chain check: an event was altered, removed or re-ordered in the
 * store. The command is refused (nothing is appended on top of a history that cannot be trusted); the service
 * kit answers a 500 problem of type `integrity-failure` and logs an alert.
 */
export class IntegrityError extends Error {
  override readonly name = "IntegrityError";
  readonly streamId: string;
  readonly revision: number;
  readonly reason: "hash-mismatch" | "broken-link" | "missing-revision";
  constructor(failure: Extract<ChainVerification, { ok: false }>) {
    super(`integrity check failed: ${failure.message}`);
    this.streamId = failure.streamId;
    this.revision = failure.revision;
    this.reason = failure.reason;
  }
}

type IntegrityListener = (error: IntegrityError) => void;
const integrityListeners = new Set<IntegrityListener>();

/**
 * Calls `listener` on every integrity failure the kernel detects in this process (the runtime counts them in
 * `store_integrity_failures_total`). Returns the function that removes it.
 */
export function onIntegrityFailure(listener: IntegrityListener): () => void {
  integrityListeners.add(listener);
  return () => integrityListeners.delete(listener);
}

/**
 * Verifies a whole stream as read for a command (`verifyChain`) and throws an `IntegrityError` — after telling
 * the `onIntegrityFailure` listeners — when it does not verify. Returns the events unchanged.
 */
export function verifiedStream<E extends RecordedEvent>(streamId: string, events: E[]): E[] {
  const verification = verifyChain(streamId, events);
  if (verification.ok) return events;
  const error = new IntegrityError(verification);
  for (const listener of integrityListeners) {
    try {
      listener(error);
    } catch {
      // a listener's failure must not hide the integrity failure
    }
  }
  throw error;
}

function fail(
  streamId: string,
  revision: number,
  reason: "hash-mismatch" | "broken-link" | "missing-revision",
  detail: string,
): ChainVerification {
  return {
    ok: false,
    streamId,
    revision,
    reason,
    message: `stream ${streamId} revision ${revision}: ${detail}`,
  };
}

function stripUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}
