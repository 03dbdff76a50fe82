import type { Json, NewEvent, RecordedEvent } from "../envelope.ts";
import { EventContractError } from "../errors.ts";
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

/** What checks an event's data before it is appended: a contract's zod schema (or anything with `safeParse`). */
export interface DataSchema {
  safeParse(
    data: unknown,
  ):
    | { success: true }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export interface EventTypesOptions<Event extends DomainEvent> {
  /**
   * The contract's schema per event name (`mattersEventSchemas`, …). Every event is checked against it
   * before it is appended: data that breaks its own contract is a programming error, never stored.
   */
  schemas?: { readonly [K in Event["type"]]?: DataSchema };
  upcasters?: Upcasters;
}

export class EventTypes<Event extends DomainEvent> {
  readonly #toWire: EventTypeMap<Event>;
  readonly #fromWire: Map<string, Event["type"]>;
  readonly #upcasters: Upcasters;
  readonly #schemas: EventTypesOptions<Event>["schemas"];

  constructor(map: EventTypeMap<Event>, options: EventTypesOptions<Event> = {}) {
    this.#toWire = map;
    this.#fromWire = new Map(
      Object.entries(map).map(([short, wire]) => [wire as string, short as Event["type"]]),
    );
    this.#upcasters = options.upcasters ?? {};
    this.#schemas = options.schemas;
  }

  /**
   * Checks an event's data against its contract. Throws an EventContractError naming the wire type and the
   * field (`gov.intake.application.accepted.v1: data.caseNumber`): a decider produced data its own contract
   * forbids, which is a bug to fix, not input to report to a client.
   */
  validate(event: Event): void {
    const schema = this.#schemas?.[event.type as Event["type"]];
    if (!schema) return;
    const result = schema.safeParse(event.data);
    if (result.success) return;
    const issue = result.error.issues[0];
    const path = issue?.path.length ? `.${issue.path.map(String).join(".")}` : "";
    throw new EventContractError(`${this.wireType(event.type)}: data${path}`, issue?.message ?? "invalid");
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
  types.validate(event);
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
