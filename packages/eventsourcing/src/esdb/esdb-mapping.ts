import type { AllStreamResolvedEvent, EventData, Position, ResolvedEvent } from "@eventstore/db-client";
import type { RecordedEvent } from "../envelope.ts";
import { InvalidEventError } from "../errors.ts";
import type { ChainedEvent } from "../hash-chain.ts";

/**
 * How the envelope maps onto an EventStoreDB event: the event's `data` is the payload, its `metadata` is the
 * rest of the envelope (CloudEvents attributes, actor, stream version, prevhash, hash), id and type
 * included, so that the envelope reads back exactly as hashed even where the server normalises the event id
 * (it returns UUIDs in lower case). The global position is the server's `<commit>/<prepare>`.
 */
export function toEventData(event: ChainedEvent): EventData {
  const { data, ...envelope } = event;
  return {
    id: event.id,
    contentType: "application/json",
    type: event.type,
    // The client JSON.stringifies any JSON value; its type says object, array or string only.
    data: data as unknown as Record<string, unknown>,
    metadata: envelope,
  };
}

/** The envelope of an event this adapter wrote, or undefined for system events and foreign events. */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event?.isJson || isSystem(event.streamId, event.type)) return undefined;
  const metadata = event.metadata as Partial<RecordedEvent> | undefined;
  if (!metadata || typeof metadata !== "object" || typeof metadata.hash !== "string") return undefined;
  if (metadata.specversion !== "1.0") return undefined;
  if (event.position === undefined) {
    throw new Error(
      "EventStoreDB 22.6 or later is required: the server returned an event without its position",
    );
  }
  return {
    ...(metadata as Omit<RecordedEvent, "data">),
    data: event.data as RecordedEvent["data"],
    position: formatEsdbPosition(event.position),
  };
}

/** `$`-prefixed streams (metadata, projections, checkpoints) and event types (links, `$metadata`, …). */
export function isSystem(streamId: string, type: string): boolean {
  return streamId.startsWith("$") || type.startsWith("$");
}

export function formatEsdbPosition(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

export function parseEsdbPosition(value: string): Position {
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(value);
  if (!match) {
    throw new InvalidEventError("after", `"${value}" is not an EventStoreDB position ("<commit>/<prepare>")`);
  }
  return { commit: BigInt(match[1] as string), prepare: BigInt(match[2] as string) };
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/**
 * Compares two ISO-8601 instants exactly (to the nanosecond), across offsets: `Date.parse` alone would
 * drop digits after the millisecond.
 */
export function compareInstants(a: string, b: string): number {
  const x = instantNanos(a);
  const y = instantNanos(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

function instantNanos(iso: string): bigint {
  const match = /^(.+T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/i.exec(iso);
  const ms = Date.parse(match ? `${match[1]}${match[3]}` : iso);
  if (Number.isNaN(ms)) throw new InvalidEventError("untilTime", `"${iso}" is not an ISO-8601 instant`);
  const fraction = (match?.[2] ?? "").padEnd(9, "0").slice(0, 9);
  return BigInt(ms) * 1_000_000n + BigInt(fraction);
}
