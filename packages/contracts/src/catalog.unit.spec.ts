import { readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { catalogEntries, catalogMarkdown, catalogSchemaFiles } from "./catalog.ts";
import { allTopics } from "./topics.ts";

describe("event catalog", () => {
  it("names every event gov.<service>.<category>.<event>.vN with a schema, on its service's topic", () => {
    const entries = catalogEntries();
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.find((e) => e.name === "MatterPublished")).toMatchObject({
      type: "gov.matters.matter.published.v1",
      topic: "gov.matters.matter.v1",
    });
    expect(new Set(entries.map((e) => e.type)).size).toBe(entries.length);
  });

  it("declares every contract's topic as a constant consumers can name", () => {
    const missing = catalogEntries().filter((e) => !(allTopics as readonly string[]).includes(e.topic));
    expect(missing.map((e) => `${e.type} → ${e.topic}`)).toEqual([]);
  });

  it("docs/events.md is current (regenerate with pnpm docs:events)", () => {
    const docs = resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs/events.md");
    expect(readFileSync(docs, "utf8")).toBe(catalogMarkdown());
    const dir = resolve(docs, "../event-schemas");
    const expected = catalogSchemaFiles();
    expect(readdirSync(dir).sort()).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected)
      expect(readFileSync(resolve(dir, file), "utf8"), file).toBe(content);
  });
});
