import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { checkCompatibility, type PublishedRevision } from "./compat.ts";
import { currentRevisions, readPublished, recordPublished } from "./published.ts";

const TYPE = "gov.intake.application.fixture-noted.v1";
const revisionOf = (schema: z.ZodType): PublishedRevision => ({
  reader: z.toJSONSchema(schema, { target: "draft-7", unrepresentable: "any", io: "input" }),
  written: z.toJSONSchema(schema, { target: "draft-7", unrepresentable: "any", io: "output" }),
});

// The published fixture: what subscribers of TYPE have been reading.
const v1 = z.object({
  applicationId: z.string().min(1).max(64),
  materialCount: z.number(),
  channel: z.enum(["window", "online"]),
  items: z.array(z.object({ id: z.string(), pages: z.number().int() })),
  note: z.string().max(200).optional(),
});

async function gate(current: z.ZodType, published: z.ZodType[] = [v1]) {
  return checkCompatibility(
    [{ type: TYPE, revisions: published.map(revisionOf) }],
    new Map([[TYPE, revisionOf(current)]]),
  );
}

describe("compatibility gate: a published event type keeps every subscriber reading (FULL_TRANSITIVE)", () => {
  it("passes the unchanged schema", async () => {
    expect(await gate(v1)).toEqual([]);
  });

  it("passes an additive optional field", async () => {
    expect(await gate(v1.extend({ receivedBy: z.string().optional() }))).toEqual([]);
  });

  it("fails removing a required field, says which and what to do instead", async () => {
    const [failure, ...rest] = await gate(v1.omit({ materialCount: true }));
    expect(rest).toEqual([]);
    expect(failure).toContain(`${TYPE} breaks published revision 1 of 1`);
    expect(failure).toContain("field materialCount removed or renamed");
    expect(failure).toContain("consumers of that revision reject events");
    expect(failure).toContain("add gov.intake.application.fixture-noted.v2");
    expect(failure).toContain("upcaster");
    expect(failure).toMatch(/publish both types for the deprecation period \(6 months/);
  });

  it("fails making a required field optional (old consumers expect it)", async () => {
    const failures = await gate(v1.extend({ materialCount: z.number().optional() }));
    expect(failures.join()).toContain("field materialCount no longer required");
  });

  it("fails narrowing a type: number to integer (events already published may not fit)", async () => {
    const failures = await gate(v1.extend({ materialCount: z.number().int() }));
    expect(failures.join()).toContain("events already published no longer validate");
    expect(failures.join()).toContain('changed type from "number" to "integer"');
  });

  it("fails narrowing a type: fewer enum values, a shorter maximum length, a nested field", async () => {
    expect((await gate(v1.extend({ channel: z.enum(["window"]) }))).join()).toContain(
      '$.channel lost the values "online"',
    );
    expect((await gate(v1.extend({ applicationId: z.string().min(1).max(32) }))).join()).toContain(
      "a replay breaks",
    );
    const nested = v1.extend({
      items: z.array(z.object({ id: z.string().uuid(), pages: z.number().int() })),
    });
    expect((await gate(nested)).join()).toContain("$.items[].id");
  });

  it("fails widening an enum (old consumers reject the new value)", async () => {
    expect((await gate(v1.extend({ channel: z.enum(["window", "online", "mobile"]) }))).join()).toContain(
      '$.channel gained the values "mobile"',
    );
  });

  it("fails renaming a field", async () => {
    const renamed = v1.omit({ applicationId: true }).extend({ caseId: z.string().min(1).max(64) });
    const failure = (await gate(renamed)).join();
    expect(failure).toContain("field applicationId removed or renamed");
    expect(failure).toContain("field caseId added as required");
  });

  it("fails a new required field (events already published lack it)", async () => {
    expect((await gate(v1.extend({ region: z.string() }))).join()).toContain("a replay breaks");
  });

  it("checks against every published revision, not only the last (transitive)", async () => {
    // Revision 2 added an optional field; removing `note` (optional since revision 1) is checked against both.
    const v2 = v1.extend({ receivedBy: z.string().optional() });
    const failures = await gate(v2.extend({ note: z.number().optional() }), [v1, v2]);
    expect(failures.map((f) => f.split(":")[0])).toEqual([
      `${TYPE} breaks published revision 1 of 2`,
      `${TYPE} breaks published revision 2 of 2`,
    ]);
  });

  it("passes a type that was never published, and fails a published type that disappeared", async () => {
    expect(await checkCompatibility([], new Map([[TYPE, revisionOf(v1)]]))).toEqual([]);
    const [gone] = await checkCompatibility([{ type: TYPE, revisions: [revisionOf(v1)] }], new Map());
    expect(gone).toContain("is gone from the contracts");
  });
});

describe("the committed baseline (packages/contracts/published)", () => {
  it("every current event schema is compatible with every published revision of its type", async () => {
    const failures = await checkCompatibility(readPublished(), currentRevisions());
    expect(failures, failures.join("\n\n")).toEqual([]);
  }, 120_000);

  const dir = mkdtempSync(join(tmpdir(), "published-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("pnpm contracts:baseline adds new types and appends a changed type's revision, keeping the earlier", () => {
    expect(recordPublished(dir, new Map([[TYPE, revisionOf(v1)]]))).toEqual([TYPE]);
    expect(recordPublished(dir, new Map([[TYPE, revisionOf(v1)]]))).toEqual([]);
    const v2 = v1.extend({ receivedBy: z.string().optional() });
    expect(recordPublished(dir, new Map([[TYPE, revisionOf(v2)]]))).toEqual([TYPE]);
    expect(readPublished(dir)).toEqual([{ type: TYPE, revisions: [revisionOf(v1), revisionOf(v2)] }]);
  });
});
