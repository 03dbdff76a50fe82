import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { catalogEntries } from "../catalog.ts";
import { type PublishedRevision, type PublishedType, withRevision } from "./compat.ts";

/** The committed baseline: `packages/contracts/published/<type>.json`, one file per published event type. */
export const publishedDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../published");

export function readPublished(dir = publishedDir): PublishedType[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as PublishedType);
}

/** Every event type of the contracts as it is now: type → its reader and written JSON Schemas. */
export function currentRevisions(entries = catalogEntries()): Map<string, PublishedRevision> {
  return new Map(entries.map((e) => [e.type, { reader: e.jsonSchema, written: e.writtenJsonSchema }]));
}

/**
 * Records the current schemas as published: a new type gets its file, a changed type a new revision
 * (appended: earlier revisions stay, so the gate keeps checking against them). Returns the types written.
 */
export function recordPublished(dir = publishedDir, current = currentRevisions()): string[] {
  mkdirSync(dir, { recursive: true });
  const known = new Map(readPublished(dir).map((p) => [p.type, p]));
  const written: string[] = [];
  for (const [type, revision] of current) {
    const before = known.get(type);
    const after = withRevision(before, type, revision);
    if (before && after.revisions.length === before.revisions.length) continue;
    writeFileSync(join(dir, `${type}.json`), `${JSON.stringify(after, null, 2)}\n`);
    written.push(type);
  }
  return written;
}
