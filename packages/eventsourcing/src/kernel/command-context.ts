import type { CommandMetadata } from "./command.ts";
import type { EventMetadata } from "./event-types.ts";

/**
 * A command's metadata plus the ids that tie its events to a request or to the event it reacts to. Built
 * from an HTTP request by the runtime's `requestContext`, or by a reaction or a scheduled process.
 */
export interface CommandContext extends CommandMetadata {
  correlationId?: string;
  /** A client's Idempotency-Key: a repeat replays the first result. */
  idempotencyKey?: string;
  /** A reaction to another event: ids derived from it make a redelivery harmless. */
  causationEventId?: string;
  /**
   * The stream revision the caller last saw (HTTP `If-Match`). When given, the command is decided against
   * exactly that revision: another writer in between is a conflict (409), never retried.
   */
  expectedRevision?: number;
}

/** The envelope metadata of the events a command appends: actor, correlation, causation, case. */
export function eventMetadata(
  source: string,
  ctx: CommandContext,
  extra: { caseid?: string; region?: string } = {},
): EventMetadata {
  const actor: EventMetadata["actor"] = { id: ctx.actor.id, role: ctx.actor.role };
  if (ctx.actor.department) actor.department = ctx.actor.department;
  return {
    source,
    time: ctx.now,
    actor,
    ...extra,
    ...(ctx.correlationId ? { correlationid: ctx.correlationId } : {}),
    ...(ctx.causationEventId ? { causationid: ctx.causationEventId } : {}),
  };
}

/** Where a command's event ids come from: derived from the causing event, else from the client's key. */
export function commandIds(
  ctx: CommandContext,
): { ids: { causationEventId: string } | { idempotencyKey: string } } | Record<string, never> {
  if (ctx.causationEventId) return { ids: { causationEventId: ctx.causationEventId } };
  if (ctx.idempotencyKey) return { ids: { idempotencyKey: ctx.idempotencyKey } };
  return {};
}
