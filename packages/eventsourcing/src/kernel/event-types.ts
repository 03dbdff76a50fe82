import type { Json, NewEvent, RecordedEvent } from "../envelope.ts";
import type { DomainEvent } from "./decider.ts";

/**
 * How a service names its events on the wire: `{ MatterPublished: "gov.matters.matter.published.v1" }`,
 * declared once. Upcasters turn an older stored type into the current one when read, so stored events are
 * never rewritten: `{ "gov.x.thing.done.v1": (data) => ({ type: "gov.x.thing.done.v2", data: … }) }`.
 */
export type EventTypeMap<Event extends DomainEvent> = { readonly [K in Event["type"]]: string };

export type Upcaster = (data: Json) => { type: string; data: Json };
export type Upcasters = Readonly<Record<string, Upcaster>>;

/** Applies upcasters repeatedly (v1 → v2 → v3) until the type has none. */
export function upcast(type: string, data: Json, upcasters: Upcasters = {}): { type: string; data: Json } {
  let current = { type, data };
  for (let hops = 0; hops < 32; hops++) {
    const next = upcasters[current.type];
    if (!next) return current;
    current = next(current.data);
  }
  throw new Error(`upcaster chain for ${type} does not end`);
}

export class EventTypes<Event extends DomainEvent> {
  readonly #toWire: EventTypeMap<Event>;
  readonly #fromWire: Map<string, Event["type"]>;
  readonly #upcasters: Upcasters;

  constructor(map: EventTypeMap<Event>, upcasters: Upcasters = {}) {
    this.#toWire = map;
    this.#fromWire = new Map(
      Object.entries(map).map(([short, wire]) => [wire as string, short as Event["type"]]),
    );
    this.#upcasters = upcasters;
  }

  wireType(type: Event["type"]): string {
    return this.#toWire[type as keyof EventTypeMap<Event>];
  }

  /** The domain event of a stored one (after upcasting), or undefined for a type this decider does not know. */
  toDomain(recorded: Pick<RecordedEvent, "type" | "data">): Event | undefined {
    const current = upcast(recorded.type, recorded.data, this.#upcasters);
    const short = this.#fromWire.get(current.type);
    return short === undefined ? undefined : ({ type: short, data: current.data } as Event);
  }
}

/** The envelope fields a command contributes to every event it produces. */
export interface EventMetadata {
  source: string;
  time: string;
  actor: NewEvent["actor"];
  caseid?: string;
  causationid?: string;
  correlationid?: string;
  region?: string;
}

export function toNewEvent<Event extends DomainEvent>(
  types: EventTypes<Event>,
  event: Event,
  id: string,
  meta: EventMetadata,
): NewEvent {
  const envelope: NewEvent = {
    id,
    type: types.wireType(event.type),
    source: meta.source,
    time: meta.time,
    data: event.data as Json,
    actor: meta.actor,
  };
  if (meta.caseid !== undefined) envelope.caseid = meta.caseid;
  if (meta.causationid !== undefined) envelope.causationid = meta.causationid;
  if (meta.correlationid !== undefined) envelope.correlationid = meta.correlationid;
  if (meta.region !== undefined) envelope.region = meta.region;
  return envelope;
}
