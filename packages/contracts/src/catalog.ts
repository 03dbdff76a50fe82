import { z } from "zod";
import * as contracts from "./index.ts";

/**
 * The event catalog for integrators, generated from the contracts themselves so that it cannot drift:
 * every `<service>EventTypes` map (name → wire type) with its `<service>EventSchemas` (name → zod schema).
 * `pnpm docs:events` writes it to docs/events.md; a test checks it is current.
 */
export interface CatalogEntry {
  service: string;
  name: string;
  type: string;
  topic: string;
  /** The event's data as JSON Schema (draft 7), for integrators who do not use zod. */
  jsonSchema: unknown;
  /** What a producer writes: the same schema in zod's output mode (objects closed to undeclared fields). */
  writtenJsonSchema: unknown;
  fields: { name: string; required: boolean; type: string; description: string }[];
}

const WIRE_TYPE = /^gov\.([a-z-]+)\.([a-z-]+)\.[a-z-]+\.v\d+$/;

export function catalogEntries(): CatalogEntry[] {
  const exports = contracts as unknown as Record<string, unknown>;
  const entries: CatalogEntry[] = [];
  for (const [key, value] of Object.entries(exports).sort(([a], [b]) => a.localeCompare(b))) {
    if (!key.endsWith("EventTypes")) continue;
    const service = key.slice(0, -"EventTypes".length);
    const schemas = exports[`${service}EventSchemas`] as Record<string, z.ZodType> | undefined;
    for (const [name, type] of Object.entries(value as Record<string, string>)) {
      const m = WIRE_TYPE.exec(type);
      if (!m) throw new Error(`${key}.${name}: "${type}" is not gov.<service>.<category>.<event>.v<n>`);
      const schema = schemas?.[name];
      if (!schema) throw new Error(`${service}EventSchemas has no schema for ${name}`);
      entries.push({
        service,
        name,
        type,
        topic: `gov.${m[1]}.${m[2]}.v1`,
        jsonSchema: jsonSchemaOf(schema),
        writtenJsonSchema: z.toJSONSchema(schema, {
          target: "draft-7",
          unrepresentable: "any",
          io: "output",
        }),
        fields: fieldsOf(schema),
      });
    }
  }
  return entries;
}

const jsonSchemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: "draft-7", unrepresentable: "any", io: "input" });

/** The JSON Schema files beside the catalog: `docs/event-schemas/<type>.schema.json` → content. */
export function catalogSchemaFiles(entries = catalogEntries()): Map<string, string> {
  return new Map(entries.map((e) => [`${e.type}.schema.json`, `${JSON.stringify(e.jsonSchema, null, 2)}\n`]));
}

function fieldsOf(schema: z.ZodType): CatalogEntry["fields"] {
  const json = jsonSchemaOf(schema) as {
    properties?: Record<
      string,
      { type?: string | string[]; description?: string; enum?: unknown[]; const?: unknown }
    >;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, p]) => ({
    name,
    required: json.required?.includes(name) ?? false,
    type: p.enum
      ? p.enum.map(String).join(" \\| ")
      : p.const !== undefined
        ? String(p.const)
        : [p.type ?? "object"].flat().join(" \\| "),
    description: (p.description ?? "").replaceAll("\n", " ").replaceAll("|", "\\|"),
  }));
}

export function catalogMarkdown(entries = catalogEntries()): string {
  const lines = [
    "# Event catalog",
    "",
    "<!-- Generated from packages/contracts by `pnpm docs:events`; do not edit. -->",
    "",
    "Every domain event the platform publishes, by service. Each travels on its Kafka topic as a CloudEvent in",
    "binary mode (see [messaging.md](messaging.md)): the attributes in `ce_*` headers, `data` as the JSON body.",
    "The zod schemas in `packages/contracts` are the source; a new version of an event gets a new `.vN` type.",
    "",
  ];
  const services = [...new Set(entries.map((e) => e.service))];
  for (const service of services) {
    lines.push(`## ${service}`, "");
    for (const e of entries.filter((x) => x.service === service)) {
      lines.push(
        `### ${e.name}`,
        "",
        `type \`${e.type}\` · topic \`${e.topic}\` · [JSON Schema](event-schemas/${e.type}.schema.json)`,
        "",
      );
      lines.push("| field | required | type | meaning |", "|---|---|---|---|");
      for (const f of e.fields) {
        lines.push(`| \`${f.name}\` | ${f.required ? "yes" : "no"} | ${f.type} | ${f.description} |`);
      }
      lines.push("");
    }
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
