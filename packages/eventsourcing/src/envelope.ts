/**
 * The event envelope: CloudEvents 1.0 attributes plus this platform's extensions.
 * See docs/event-store.md. Names follow the CloudEvents spelling (lower case, no separators) so that the
 * Kafka binding can map them one to one onto `ce_*` headers.
 */

import type { Role } from "@gov/contracts";

export type { Role } from "@gov/contracts";

/** Who caused an event: the authenticated caller, or `system` for scheduled processes and reactions. */
export interface Actor {
  id: string;
  role: Role;
  /** 部门: the department the actor acts for, when it has one. */
  department?: string;
}

/** JSON values: event data must be plain JSON (no undefined, functions, bigint, Date objects). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What a service hands to the store. The store adds stream version, position and the hash chain. */
export interface NewEvent<Type extends string = string, Data extends Json = Json> {
  /** UUID. Appending the same id again is a no-op (idempotent append). */
  id: string;
  /** Versioned type, e.g. `gov.intake.application.accepted.v1`. */
  type: Type;
  /** The producing service, e.g. `gov.intake`. */
  source: string;
  /** ISO-8601 timestamp, from the command's metadata (domain code never reads the clock). */
  time: string;
  data: Data;
  /** The application id that ties every service's events about one case together. */
  caseid?: string;
  /** The id of the event or command that caused this one. */
  causationid?: string;
  /** The request or correlation id of the HTTP request or message that started the chain. */
  correlationid?: string;
  actor: Actor;
  /** 行政区划 code (6 digits), where the event belongs to a region. */
  region?: string;
  /**
   * W3C Trace Context of the operation that appended the event (CloudEvents distributed-tracing extension),
   * when tracing is on: the relay publishes later, outside that operation, and continues the trace from
   * here. Operational metadata, not part of the record: the hash leaves it out (`hashedFields`) and a retried
   * append that differs only here is the same event.
   */
  traceparent?: string;
}

/** An event as stored: the envelope with the store's additions. */
export interface RecordedEvent<Type extends string = string, Data extends Json = Json>
  extends NewEvent<Type, Data> {
  specversion: "1.0";
  /** The stream id, e.g. `application-7f3c…`. */
  subject: string;
  /** 0-based position of the event in its stream. */
  streamversion: number;
  /** Opaque, adapter-specific global log position; compare only through the store that produced it. */
  position: string;
  /** Hash of the previous event in the stream (64 zeros for the first). */
  prevhash: string;
  /** SHA-256 over `prevhash` and the event's canonical JSON (RFC 8785), hex. */
  hash: string;
}

export const GENESIS_HASH = "0".repeat(64);

/** The category of a stream id: the part before the first `-` (`application-123` → `application`). */
export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf("-");
  return dash === -1 ? streamId : streamId.slice(0, dash);
}
