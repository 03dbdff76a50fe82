import { isDeepStrictEqual } from "node:util";
import jsonSchemaDiff from "json-schema-diff";

/**
 * The compatibility gate for published events (docs/integrating.md#versions-and-deprecations). An event type
 * such as `gov.intake.application.accepted.v1` is a promise to every subscriber, for ever: the topics keep
 * every event and a subscriber may replay from the beginning. So a change to a published type must keep, for
 * EVERY revision of it ever published (transitively):
 *
 * 1. **old readers read new events** — each event written under the new schema validates against the reader
 *    schema of every earlier revision (the BACKWARD_TRANSITIVE rule as issue 21 states it: a consumer of any
 *    earlier version can still read new events);
 * 2. **new readers read old events** — each event written under every earlier revision validates against
 *    the new reader schema (what a replay from the beginning needs).
 *
 * Together this is what schema registries call FULL_TRANSITIVE. It allows an additive optional field and
 * little else. "Reader" is the zod input schema (objects open to undeclared fields, as a tolerant reader is);
 * "written" is the output schema (objects closed: a producer writes only declared fields).
 *
 * The set comparison is `json-schema-diff` (Atlassian). It ignores `enum`, `const`, `pattern` and `format`
 * (its KEYWORDS.md), so those are compared here, by path, as well.
 */
export interface PublishedRevision {
  /** The zod input schema as JSON Schema (draft 7): what a consumer accepts. */
  reader: JsonSchema;
  /** The zod output schema: what a producer writes. */
  written: JsonSchema;
}

/** `packages/contracts/published/<type>.json`: every revision of a type ever published, oldest first. */
export interface PublishedType {
  type: string;
  revisions: PublishedRevision[];
}

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema is any JSON here.
export type JsonSchema = any;

/** How long a replaced type keeps being published beside its successor (docs/integrating.md). */
export const DEPRECATION_MONTHS = 6;

export async function breakingChanges(
  published: PublishedRevision,
  current: PublishedRevision,
): Promise<string[]> {
  // An unchanged schema breaks nothing. Checked first: json-schema-diff's set algebra grows with every optional,
  // nullable or union field, and a wide schema (the exchange feed's row) takes minutes against itself.
  if (
    isDeepStrictEqual(published.reader, current.reader) &&
    isDeepStrictEqual(published.written, current.written)
  ) {
    return [];
  }
  const problems: string[] = [];
  const forOldReaders = await jsonSchemaDiff.diffSchemas({
    sourceSchema: bare(published.reader),
    destinationSchema: bare(current.written),
  });
  if (forOldReaders.additionsFound) {
    problems.push(
      `consumers of that revision reject events the new schema allows: ${describe(published.reader, current.written)}${brief(forOldReaders.addedJsonSchema)}`,
    );
  }
  const forReplay = await jsonSchemaDiff.diffSchemas({
    sourceSchema: bare(published.written),
    destinationSchema: bare(current.reader),
  });
  if (forReplay.removalsFound) {
    problems.push(
      `events already published no longer validate (a replay breaks): ${describe(published.written, current.reader)}${brief(forReplay.removedJsonSchema)}`,
    );
  }
  problems.push(
    ...keywordChanges(published.reader, current.written, "$", "added").map(
      (p) => `consumers of that revision reject events the new schema allows: ${p}`,
    ),
    ...keywordChanges(published.written, current.reader, "$", "removed").map(
      (p) => `events already published no longer validate (a replay breaks): ${p}`,
    ),
  );
  return [...new Set(problems)];
}

/** What to do instead, appended to every failure. */
export function advice(type: string): string {
  const next = type.replace(/\.v(\d+)$/, (_, n: string) => `.v${Number(n) + 1}`);
  return [
    `A published event type never changes incompatibly. Instead: keep ${type} as it is, add ${next} with the change,`,
    `register an upcaster ${type} → ${next} (EventTypes' upcasters, docs/event-store.md) so stored events read as ${next},`,
    `publish both types for the deprecation period (${DEPRECATION_MONTHS} months, docs/integrating.md) and only then stop publishing ${type}.`,
  ].join("\n  ");
}

/**
 * Checks every current type against every published revision of it. New types (not yet published) pass.
 * A published type missing from the contracts fails: subscribers still expect it.
 */
export async function checkCompatibility(
  published: readonly PublishedType[],
  current: ReadonlyMap<string, PublishedRevision>,
): Promise<string[]> {
  const failures: string[] = [];
  for (const p of published) {
    const now = current.get(p.type);
    if (!now) {
      failures.push(
        `${p.type} was published and is gone from the contracts: its subscribers still read it, and a replay still delivers its events.\n  Keep its schema in @gov/contracts for good; ${DEPRECATION_MONTHS} months after its successor is first published the service may stop publishing it.`,
      );
      continue;
    }
    for (const [i, revision] of p.revisions.entries()) {
      const problems = await breakingChanges(revision, now);
      if (problems.length > 0) {
        failures.push(
          `${p.type} breaks published revision ${i + 1} of ${p.revisions.length}:\n${problems.map((x) => `  - ${x}`).join("\n")}\n  ${advice(p.type)}`,
        );
      }
    }
  }
  return failures;
}

/** The revisions list with `current` appended when it differs from the last one (the baseline script). */
export function withRevision(published: PublishedType | undefined, type: string, current: PublishedRevision) {
  const revisions = published?.revisions ?? [];
  const last = revisions.at(-1);
  if (last && JSON.stringify(last) === JSON.stringify(current)) return { type, revisions };
  return { type, revisions: [...revisions, current] };
}

function bare(schema: JsonSchema): JsonSchema {
  if (typeof schema !== "object" || schema === null) return schema;
  const { $schema: _, ...rest } = schema;
  return rest;
}

function brief(schema: JsonSchema): string {
  const text = JSON.stringify(schema);
  return ` (json-schema-diff, the values at issue: ${text.length > 300 ? `${text.slice(0, 300)}…` : text})`;
}

type Node = {
  type?: string | string[];
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
};

/** A readable account of the field-level differences between two object schemas (the likely causes). */
function describe(from: Node, to: Node, path = ""): string {
  const notes: string[] = [];
  walk(from, to, path, notes);
  return notes.length > 0 ? notes.join("; ") : "the accepted values differ";
}

function walk(from: Node, to: Node, path: string, notes: string[]) {
  const a = from.properties ?? {};
  const b = to.properties ?? {};
  for (const name of Object.keys(a)) {
    const at = `${path}${path ? "." : ""}${name}`;
    if (!(name in b)) notes.push(`field ${at} removed or renamed`);
    else {
      const typeA = JSON.stringify(a[name]?.type ?? null);
      const typeB = JSON.stringify(b[name]?.type ?? null);
      if (typeA !== typeB) notes.push(`field ${at} changed type from ${typeA} to ${typeB}`);
      walk(a[name] as Node, b[name] as Node, at, notes);
    }
    const wasRequired = from.required?.includes(name) ?? false;
    const isRequired = to.required?.includes(name) ?? false;
    if (wasRequired && !isRequired && name in b) notes.push(`field ${at} no longer required`);
  }
  for (const name of Object.keys(b)) {
    const at = `${path}${path ? "." : ""}${name}`;
    if (!(name in a)) notes.push(`field ${at} added${to.required?.includes(name) ? " as required" : ""}`);
    else if (!(from.required?.includes(name) ?? false) && (to.required?.includes(name) ?? false))
      notes.push(`field ${at} now required`);
  }
  if (from.items && to.items) walk(from.items, to.items, `${path}[]`, notes);
}

/**
 * Differences json-schema-diff does not see: `enum`/`const` values added ("added" mode: values `to` accepts
 * and `from` did not) or removed ("removed" mode), and any change of `pattern` or `format`, by path.
 */
function keywordChanges(from: Node, to: Node, path: string, mode: "added" | "removed"): string[] {
  const out: string[] = [];
  const values = (n: Node) => (n.enum ? n.enum : "const" in n ? [n.const] : undefined);
  const va = values(from);
  const vb = values(to);
  const key = (v: unknown) => JSON.stringify(v);
  if (mode === "added" && vb === undefined && va !== undefined)
    out.push(`${path} accepts any value, not only ${va.map(key).join(", ")}`);
  if (mode === "added" && vb && va) {
    const extra = vb.filter((v) => !va.map(key).includes(key(v)));
    if (extra.length > 0) out.push(`${path} gained the values ${extra.map(key).join(", ")}`);
  }
  if (mode === "removed" && vb && va === undefined)
    out.push(`${path} is now restricted to ${vb.map(key).join(", ")}`);
  if (mode === "removed" && vb && va) {
    const lost = va.filter((v) => !vb.map(key).includes(key(v)));
    if (lost.length > 0) out.push(`${path} lost the values ${lost.map(key).join(", ")}`);
  }
  for (const k of ["pattern", "format"] as const) {
    if (from[k] !== to[k] && (mode === "removed" ? to[k] !== undefined : from[k] !== undefined))
      out.push(`${path} ${k} changed from ${key(from[k] ?? null)} to ${key(to[k] ?? null)}`);
  }
  for (const [name, child] of Object.entries(from.properties ?? {})) {
    const other = to.properties?.[name];
    if (other) out.push(...keywordChanges(child, other, `${path}.${name}`, mode));
  }
  if (from.items && to.items) out.push(...keywordChanges(from.items, to.items, `${path}[]`, mode));
  for (const k of ["anyOf", "oneOf", "allOf"] as const) {
    const a = (from as Record<string, Node[] | undefined>)[k];
    const b = (to as Record<string, Node[] | undefined>)[k];
    if (a && b && a.length === b.length)
      a.forEach((n, i) => {
        out.push(...keywordChanges(n, b[i] as Node, `${path}.${k}[${i}]`, mode));
      });
  }
  return out;
}
