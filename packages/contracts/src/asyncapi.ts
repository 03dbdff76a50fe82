import { type CatalogEntry, catalogEntries } from "./catalog.ts";
import { roles } from "./roles.ts";

/**
 * AsyncAPI 3.0 documents for integrators' tools, generated from the same zod contracts as docs/events.md
 * (through `catalogEntries`, i.e. `z.toJSONSchema`): per service, every topic it publishes to (a channel),
 * every event type and version (a message) with its payload schema, the CloudEvents Kafka binary-mode headers
 * exactly as the relay writes them (packages/messaging/src/cloudevents.ts), the key and the Kafka bindings.
 * Each service serves its own at `/asyncapi.json`; `pnpm docs:asyncapi` writes them to docs/asyncapi/.
 */
export type AsyncApiDocument = {
  asyncapi: "3.0.0";
  info: { title: string; version: string; description: string };
  defaultContentType: string;
  servers: Record<string, unknown>;
  channels: Record<string, unknown>;
  operations: Record<string, unknown>;
  components: { schemas: Record<string, unknown>; messages: Record<string, unknown> };
};

/** Version of the Kafka bindings used below (asyncapi/bindings, kafka 0.5.0). */
const KAFKA_BINDING = "0.5.0";
/** The topics' defaults when the platform creates them (KAFKA_PARTITIONS, KAFKA_REPLICATION_FACTOR). */
const PARTITIONS = 3;
const REPLICAS = 1;

/** The service part of a wire type: `gov.review-and-monitor.finding.x.v1` → `review-and-monitor`. */
export const serviceOfType = (type: string): string => type.split(".")[1] as string;

/** Every service that publishes at least one event, by its wire name (`matters`, `review-and-monitor`, …). */
export function asyncApiServices(entries = catalogEntries()): string[] {
  return [...new Set(entries.map((e) => serviceOfType(e.type)))].sort();
}

const hex64 = { type: "string", pattern: "^[0-9a-f]{64}$" };

/** The headers every message carries (CloudEvents 1.0 Kafka protocol binding, binary content mode). */
const cloudEventHeaders = {
  type: "object",
  description:
    "CloudEvents 1.0 attributes in binary content mode: each attribute is a `ce_<name>` header (UTF-8), the body is the event's `data`. Extensions: caseid, causationid, correlationid, region, actorid, actorrole, actordepartment, streamversion, prevhash, hash, traceparent (distributed tracing).",
  properties: {
    ce_specversion: { type: "string", const: "1.0" },
    ce_id: {
      type: "string",
      format: "uuid",
      description: "The event's id. A repeat of an id is a duplicate.",
    },
    ce_type: {
      type: "string",
      description: "The versioned event type, e.g. gov.intake.application.accepted.v1.",
    },
    ce_source: { type: "string", description: "The producing service, e.g. gov.intake." },
    ce_subject: { type: "string", description: "The stream id, `<category>-<id>`." },
    ce_time: { type: "string", format: "date-time", description: "When it happened (ISO 8601)." },
    "content-type": { type: "string", const: "application/json" },
    ce_caseid: {
      type: "string",
      description:
        "The application (case) id tying every service's events about one case together; also the key.",
    },
    ce_causationid: { type: "string", description: "The event or command that caused this one." },
    ce_correlationid: { type: "string", description: "The request or message chain this event belongs to." },
    ce_region: {
      type: "string",
      pattern: "^\\d{6}$",
      description: "行政区划 code, when the event has a region.",
    },
    ce_actorid: { type: "string", description: "Who caused it (a user id, or `system`)." },
    ce_actorrole: { type: "string", enum: [...roles] },
    ce_actordepartment: {
      type: "string",
      description: "The department the actor acted for, when it has one.",
    },
    ce_streamversion: {
      type: "string",
      pattern: "^\\d+$",
      description: "0-based position in the stream, as a decimal string (a number in the hashed envelope).",
    },
    ce_prevhash: {
      ...hex64,
      description: "The previous event's hash in the stream; 64 zeros for the first.",
    },
    ce_hash: {
      ...hex64,
      description:
        "SHA-256 (hex) of the RFC 8785 canonical JSON of the envelope: every attribute above but hash and the trace context (streamversion as a number, the actor as {id, role, department?}) plus data. See docs/integrating.md.",
    },
    ce_traceparent: {
      type: "string",
      pattern: "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
      description:
        "CloudEvents distributed-tracing extension: the W3C trace context of the operation that appended the event, when tracing was on. Operational metadata, not part of the hash.",
    },
    traceparent: {
      type: "string",
      description:
        "W3C Trace Context of this hop: the relay's publish span, child of ce_traceparent, when the event was appended in a trace (the platform's consumers continue it). Not part of the hash.",
    },
    tracestate: {
      type: "string",
      description: "W3C Trace Context vendor state, when the tracing system writes one beside traceparent.",
    },
  },
  required: [
    "ce_specversion",
    "ce_id",
    "ce_type",
    "ce_source",
    "ce_subject",
    "ce_time",
    "content-type",
    "ce_actorid",
    "ce_actorrole",
    "ce_streamversion",
    "ce_prevhash",
    "ce_hash",
  ],
};

/** JSON Schema without its `$schema` (the message says which dialect it is in). */
function bare(schema: unknown): Record<string, unknown> {
  const { $schema: _, ...rest } = schema as Record<string, unknown>;
  return rest;
}

function message(e: CatalogEntry) {
  const service = serviceOfType(e.type);
  return {
    name: e.name,
    title: `${e.name} (${e.type})`,
    summary: `type ${e.type} on ${e.topic}`,
    contentType: "application/json",
    headers: {
      allOf: [
        { $ref: "#/components/schemas/CloudEventHeaders" },
        {
          type: "object",
          properties: {
            ce_type: { type: "string", const: e.type },
            ce_source: { type: "string", const: `gov.${service}` },
          },
        },
      ],
    },
    payload: { schemaFormat: "application/schema+json;version=draft-07", schema: bare(e.jsonSchema) },
    correlationId: { location: "$message.header#/ce_correlationid" },
    bindings: {
      kafka: {
        key: {
          type: "string",
          description:
            "The case id (ce_caseid) when the event belongs to a case, else the stream id (ce_subject): one key's events are in order on one partition.",
        },
        bindingVersion: KAFKA_BINDING,
      },
    },
  };
}

const operationId = (topic: string) =>
  `publish${topic
    .split(/[.-]/)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("")}`;

/** The AsyncAPI document of the given services (one service, or several merged: the embedded gateway's). */
export function asyncApiDocument(services: readonly string[], entries = catalogEntries()): AsyncApiDocument {
  const mine = entries.filter((e) => services.includes(serviceOfType(e.type)));
  const names = [...new Set(mine.map((e) => serviceOfType(e.type)))];
  const doc: AsyncApiDocument = {
    asyncapi: "3.0.0",
    info: {
      title: names.length === 1 ? `gov.${names[0]} events` : "政务服务 platform events",
      version: "1.0.0",
      description:
        "Domain events on Kafka, as CloudEvents 1.0 in binary content mode (headers ce_*, body = data as JSON). At-least-once: deduplicate by ce_id. Ordered per key. Topics keep every event (retention.ms=-1), so a new consumer can read from the beginning. See docs/integrating.md.",
    },
    defaultContentType: "application/json",
    servers: {
      kafka: {
        host: "{bootstrap}",
        protocol: "kafka",
        description: "The platform's Kafka cluster (KAFKA_BROKERS of the deployment).",
        variables: {
          bootstrap: { default: "localhost:9092", description: "A bootstrap broker, host:port." },
        },
        bindings: { kafka: { bindingVersion: KAFKA_BINDING } },
      },
    },
    channels: {},
    operations: {},
    components: { schemas: { CloudEventHeaders: cloudEventHeaders }, messages: {} },
  };
  for (const topic of [...new Set(mine.map((e) => e.topic))].sort()) {
    const onTopic = mine.filter((e) => e.topic === topic);
    const messages: Record<string, unknown> = {};
    for (const e of onTopic) {
      doc.components.messages[e.type] = message(e);
      messages[e.type] = { $ref: `#/components/messages/${e.type}` };
    }
    doc.channels[topic] = {
      address: topic,
      title: topic,
      description: `Events of ${serviceOfType(onTopic[0]?.type ?? "")}'s ${topic.split(".")[2]} streams, keyed by case id (else stream id).`,
      servers: [{ $ref: "#/servers/kafka" }],
      messages,
      bindings: {
        kafka: {
          topic,
          partitions: PARTITIONS,
          replicas: REPLICAS,
          topicConfiguration: { "retention.ms": -1 },
          bindingVersion: KAFKA_BINDING,
        },
      },
    };
    doc.operations[operationId(topic)] = {
      action: "send",
      title: `The relay publishes ${topic}`,
      channel: { $ref: `#/channels/${topic}` },
      messages: onTopic.map((e) => ({ $ref: `#/channels/${topic}/messages/${e.type}` })),
    };
  }
  return doc;
}

/**
 * Several services' documents as one (the distributed gateway's `/asyncapi.json`): channels, operations and
 * messages side by side; servers and shared schemas from the first.
 */
export function mergeAsyncApi(
  docs: readonly AsyncApiDocument[],
  title = "政务服务 platform events",
): AsyncApiDocument {
  const first = asyncApiDocument([]);
  return {
    ...first,
    info: { ...first.info, title },
    channels: Object.assign({}, ...docs.map((d) => d.channels)),
    operations: Object.assign({}, ...docs.map((d) => d.operations)),
    components: {
      schemas: Object.assign({}, first.components.schemas, ...docs.map((d) => d.components.schemas)),
      messages: Object.assign({}, ...docs.map((d) => d.components.messages)),
    },
  };
}

/** The files of docs/asyncapi/: `<service>.json` → content. */
export function asyncApiFiles(entries = catalogEntries()): Map<string, string> {
  return new Map(
    asyncApiServices(entries).map((s) => [
      `${s}.json`,
      `${JSON.stringify(asyncApiDocument([s], entries), null, 2)}\n`,
    ]),
  );
}
