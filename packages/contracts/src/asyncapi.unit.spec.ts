import { readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Parser } from "@asyncapi/parser";
import { describe, expect, it } from "vitest";
import { asyncApiDocument, asyncApiFiles, asyncApiServices, mergeAsyncApi } from "./asyncapi.ts";
import { catalogEntries } from "./catalog.ts";

const dir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs/asyncapi");
const parser = new Parser();

/** Errors (severity 0) the AsyncAPI parser finds, as readable lines. */
async function errorsOf(document: unknown): Promise<string[]> {
  const { diagnostics, document: parsed } = await parser.parse(JSON.stringify(document));
  const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join("/")}: ${d.message}`);
  if (errors.length === 0) expect(parsed, "the parser returned no document").toBeDefined();
  return errors;
}

describe("AsyncAPI documents", () => {
  it("docs/asyncapi/ is current (regenerate with pnpm docs:asyncapi)", () => {
    const expected = asyncApiFiles();
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort(),
    ).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected)
      expect(readFileSync(resolve(dir, file), "utf8"), file).toBe(content);
  });

  it("every service's document, and all of them merged, is valid AsyncAPI 3.0 for @asyncapi/parser", async () => {
    const services = asyncApiServices();
    expect(services).toEqual(expect.arrayContaining(["credit", "intake", "matters"]));
    for (const service of services) expect(await errorsOf(asyncApiDocument([service])), service).toEqual([]);
    const merged = mergeAsyncApi(services.map((s) => asyncApiDocument([s])));
    expect(await errorsOf(merged)).toEqual([]);
  }, 120_000); // the parser takes about a second a document on a busy machine

  it("has a channel per topic and a message per event type and version, with its payload, headers and key", async () => {
    const entries = catalogEntries().filter((e) => e.type.startsWith("gov.intake."));
    const { document } = await parser.parse(JSON.stringify(asyncApiDocument(["intake"])));
    if (!document) throw new Error("not parsed");
    expect(
      document
        .channels()
        .all()
        .map((c) => c.address())
        .sort(),
    ).toEqual([...new Set(entries.map((e) => e.topic))].sort());
    expect(
      document
        .messages()
        .all()
        .map((m) => m.id())
        .sort(),
    ).toEqual(entries.map((e) => e.type).sort());
    const submitted = document
      .messages()
      .all()
      .find((m) => m.id() === "gov.intake.application.submitted.v1");
    expect(submitted?.payload()?.properties()).toHaveProperty("applicationId");
    const headers = submitted?.headers()?.json() as { allOf: { properties?: Record<string, unknown> }[] };
    expect(headers.allOf[1]?.properties?.ce_type).toMatchObject({
      type: "string",
      const: "gov.intake.application.submitted.v1",
    });
    const common = asyncApiDocument(["intake"]).components.schemas.CloudEventHeaders as {
      required: string[];
    };
    // What packages/messaging's toKafkaMessage always writes.
    expect(common.required).toEqual(
      expect.arrayContaining([
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_time",
        "ce_hash",
        "ce_prevhash",
        "ce_actorid",
      ]),
    );
    expect(submitted?.bindings().get("kafka")?.value()).toHaveProperty("key");
    expect(document.servers().get("kafka")?.protocol()).toBe("kafka");
  }, 30_000);

  it("a service with no events of its own has channels of none (the document stays valid)", async () => {
    const doc = asyncApiDocument(["gateway"]);
    expect(doc.channels).toEqual({});
    expect(await errorsOf(doc)).toEqual([]);
  }, 30_000);
});
