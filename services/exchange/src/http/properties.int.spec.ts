import { serviceTestApp } from "@gov/runtime/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { exchangeModule } from "../module.ts";
import { approvalEvents, expectedReports, intakeEvents, permitEvents } from "../reactions/case-fixtures.ts";

const given = Object.fromEntries(
  Array.from({ length: 4 }, (_, i) => {
    const { streamId, events } = intakeEvents("Q", i);
    const approval = approvalEvents("Q", i);
    const permit = permitEvents("Q", i);
    return [
      [streamId, events],
      ...(approval ? [[approval.streamId, approval.events]] : []),
      ...(permit ? [[permit.streamId, permit.events]] : []),
    ];
  }).flat(),
);
const total = Array.from({ length: 4 }, (_, i) => expectedReports(i)).reduce((a, b) => a + b);
const DAY = "2026-11-20";

const start = () => serviceTestApp((deps) => exchangeModule(deps), { start: `${DAY}T10:00:00+08:00`, given });
let h: Awaited<ReturnType<typeof start>>;
beforeAll(async () => {
  h = await start();
  await vi.waitFor(
    async () =>
      expect((await h.module.steps.page({ from: DAY, to: DAY, limit: 1000 })).items).toHaveLength(total),
    { timeout: 60_000, interval: 50 },
  );
});
afterAll(async () => {
  await h?.dispose();
});

/** A query value: mostly near-valid (dates, numbers, formats), now and then any string. */
const value = fc.oneof(
  fc.constantFrom(
    DAY,
    "2026-11-01",
    "2026-12-31",
    "2027-02-29",
    "2026-1-1",
    "jsonl",
    "csv",
    "0",
    "1",
    "5000",
    "5001",
  ),
  fc.integer({ min: -10, max: 1e12 }).map(String),
  fc.string({ unit: "binary", maxLength: 30 }),
);
const anyQuery = fc.dictionary(fc.constantFrom("from", "to", "format", "limit", "after", "x"), value, {
  maxKeys: 6,
});
/**
 * A well-formed query: arbitrary ones are valid about once in 300 tries (4–5 of 1 500 runs), so half of the runs
 * draw from this, and the check that some exports succeeded cannot fail by chance.
 */
const wellFormed = fc.record(
  {
    from: fc.constantFrom(DAY, "2026-11-01"),
    to: fc.constantFrom(DAY, "2026-11-30"),
    format: fc.constantFrom("jsonl", "csv"),
    limit: fc.integer({ min: 1, max: 5000 }).map(String),
  },
  { requiredKeys: ["from"] },
);
const query = fc.oneof(anyQuery, wellFormed);

describe("GET /exchange/case-steps with arbitrary queries", () => {
  it("never answers a 5xx; a refusal is problem+json; a success is the format asked for", async () => {
    let ok = 0;
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom("auditor", "system", "officer"), async (q, role) => {
        const search = new URLSearchParams(q as Record<string, string>).toString();
        const r = await h.request({ method: "GET", url: `/exchange/case-steps?${search}`, as: role });
        expect(r.statusCode, r.body).toBeLessThan(500);
        if (r.statusCode >= 400) expect(r.headers["content-type"]).toContain("application/problem+json");
        else {
          ok++;
          expect(r.headers["content-type"]).toMatch(
            q.format === "csv" ? /^text\/csv/ : /^application\/x-ndjson/,
          );
        }
      }),
      { numRuns: 1500 },
    );
    // Not only refusals: some arbitrary queries were valid exports.
    expect(ok).toBeGreaterThan(0);
  });
});
