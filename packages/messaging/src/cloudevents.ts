import type { IHeaders, Message } from "kafkajs";
import type { BusEvent } from "./event-bus.ts";
import { keyOf } from "./topics.ts";

/**
 * The CloudEvents Kafka protocol binding, binary content mode (CloudEvents 1.0, kafka-protocol-binding.md):
 * every attribute is a `ce_<name>` header, the body is the event's `data` as JSON, `content-type` says so.
 * Any CloudEvents SDK reads these messages. Our extensions are attributes too: `caseid`, `causationid`,
 * `correlationid`, `region`, `streamversion`, `prevhash`, `hash`, and the actor as `actorid`, `actorrole`,
 * `actordepartment` (extension values are strings).
 *
 * Tracing: `ce_traceparent` is the envelope's CloudEvents distributed-tracing attribute, the trace context of
 * the append that stored the event; the plain W3C `traceparent` header (and `tracestate`, when the
 * propagators write one) is the hop's, the relay's publish span (`transport`), which consumers continue.
 */
const optional = ["caseid", "causationid", "correlationid", "region", "traceparent"] as const;

/** The W3C propagation headers a message carries besides its CloudEvents attributes. */
export const TRANSPORT_TRACE_HEADERS = ["traceparent", "tracestate"] as const;

export function toKafkaMessage(event: BusEvent, transport: Record<string, string> = {}): Message {
  const headers: IHeaders = {
    ce_specversion: "1.0",
    ce_id: event.id,
    ce_type: event.type,
    ce_source: event.source,
    ce_subject: event.subject,
    ce_time: event.time,
    "content-type": "application/json",
    ce_streamversion: String(event.streamversion),
    ce_prevhash: event.prevhash,
    ce_hash: event.hash,
    ce_actorid: event.actor.id,
    ce_actorrole: event.actor.role,
  };
  if (event.actor.department !== undefined) headers.ce_actordepartment = event.actor.department;
  for (const name of optional) {
    const value = event[name];
    if (value !== undefined) headers[`ce_${name}`] = value;
  }
  for (const name of TRANSPORT_TRACE_HEADERS) {
    const value = transport[name];
    if (value !== undefined) headers[name] = value;
  }
  return { key: keyOf(event), value: JSON.stringify(event.data), headers };
}

export class NotACloudEventError extends Error {
  override readonly name = "NotACloudEventError";
}

/** One header's value as text (the first, when repeated); undefined when absent. */
export const headerText = (headers: IHeaders | undefined, name: string): string | undefined => {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : Buffer.isBuffer(one) ? one.toString("utf8") : String(one);
};

/** The envelope back from a message; throws NotACloudEventError naming what is missing or malformed. */
export function fromKafkaMessage(message: Pick<Message, "headers" | "value">): BusEvent {
  const h = message.headers;
  const need = (name: string): string => {
    const v = headerText(h, `ce_${name}`);
    if (v === undefined || v === "") throw new NotACloudEventError(`header ce_${name} is missing`);
    return v;
  };
  if (need("specversion") !== "1.0") throw new NotACloudEventError("ce_specversion is not 1.0");
  let data: BusEvent["data"];
  try {
    data = JSON.parse(message.value === null || message.value === undefined ? "" : String(message.value));
  } catch {
    throw new NotACloudEventError("the body is not JSON");
  }
  const streamversion = Number(need("streamversion"));
  if (!Number.isSafeInteger(streamversion))
    throw new NotACloudEventError("ce_streamversion is not an integer");
  const event: BusEvent = {
    specversion: "1.0",
    id: need("id"),
    type: need("type"),
    source: need("source"),
    subject: need("subject"),
    time: need("time"),
    data,
    actor: { id: need("actorid"), role: need("actorrole") as BusEvent["actor"]["role"] },
    streamversion,
    prevhash: need("prevhash"),
    hash: need("hash"),
  };
  const department = headerText(h, "ce_actordepartment");
  if (department !== undefined) event.actor.department = department;
  for (const name of optional) {
    const value = headerText(h, `ce_${name}`);
    if (value !== undefined) event[name] = value;
  }
  return event;
}
