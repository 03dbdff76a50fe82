import type { EventMetadata } from "./event-types.ts";

/** Who issued a command, when, and the ids that tie its events to a request or to the event it reacts to. */
export interface CommandContext {
  now: string;
  actor: { id: string; role: string; department?: string };
  correlationId?: string;
  /** A client's Idempotency-Key: a repeat replays the first result. */
  idempotencyKey?: string;
  /** A reaction to another event: ids derived from it make a redelivery harmless. */
  causationEventId?: string;
}

/** The envelope metadata of the events a command appends (architecture brief: actor, correlation, causation). */
export function eventMetadata(
  source: string,
  ctx: CommandContext,
  extra: { caseid?: string } = {},
): EventMetadata {
  const actor: EventMetadata["actor"] = {
    id: ctx.actor.id,
    role: ctx.actor.role as EventMetadata["actor"]["role"],
  };
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

/** `handleCommand`'s `ids` option for the context: derived from the causing event, else from the client's key. */
export function commandIds(
  ctx: CommandContext,
): { ids: { causationEventId: string } | { idempotencyKey: string } } | Record<string, never> {
  if (ctx.causationEventId) return { ids: { causationEventId: ctx.causationEventId } };
  if (ctx.idempotencyKey) return { ids: { idempotencyKey: ctx.idempotencyKey } };
  return {};
}
