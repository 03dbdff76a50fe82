import { streamCategory } from "@gov/eventsourcing";
import type { BusEvent } from "./event-bus.ts";

/**
 * Topic per service and aggregate category (docs/messaging.md): `gov.<service>.<category>.v1`,
 * e.g. an event with source `gov.matters` on stream `matter-food-1` goes to `gov.matters.matter.v1`.
 */
export function topicOf(event: Pick<BusEvent, "source" | "subject">): string {
  const service = event.source.startsWith("gov.") ? event.source.slice(4) : event.source;
  return `gov.${service}.${streamCategory(event.subject)}.v1`;
}

/** The topic's service and category, or undefined for a name that is not one of ours. */
export function parseTopic(topic: string): { service: string; category: string } | undefined {
  const m = /^gov\.([a-z0-9-]+)\.([a-z0-9-]+)\.v1$/.exec(topic);
  return m ? { service: m[1] as string, category: m[2] as string } : undefined;
}

/**
 * The message key: the case id, so that one application's events, in every service, stay in order on one
 * partition; the stream id for events that belong to no case (a matter, a credit subject).
 */
export function keyOf(event: Pick<BusEvent, "caseid" | "subject">): string {
  return event.caseid ?? event.subject;
}

/** Where a consumer group's failed events go. */
export const deadLetterTopic = (groupId: string): string => `gov.deadletter.${groupId}`;
