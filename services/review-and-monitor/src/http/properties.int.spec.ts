import type { TestCaller } from "@gov/runtime/testing";
import { arbitraryRequests } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { anyText, body, record, text } from "@gov/testing/arbitraries";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPLICANT, givenCase, type Harness, market, startApp } from "./fixtures.ts";

/**
 * Properties of every review-and-monitor write route over arbitrary bodies and path segments: never a 5xx, a
 * refusal is problem+json and stores nothing. Not probed here: PUT/DELETE /ratings/{id}, whose refusal is
 * recorded on purpose (国办发〔2019〕51号: the attempt to alter a rating is kept), see loop.int.spec.ts.
 */
useBackend("sqlite", "review-and-monitor write routes: properties (sqlite)", true);

const base = "/review-and-monitor";
const CASES = 24;
let h: Harness;
const probe = arbitraryRequests(() => h);
const headers = fc.constant({});
const supervisor: TestCaller = { role: "supervisor" };
const officer: TestCaller = { role: "officer", department: market.creditCode };
const regulator: TestCaller = { role: "regulator", department: market.creditCode };
const applicant: TestCaller = { role: "applicant", sub: APPLICANT };

const caseId = fc.oneof(fc.constantFrom(...Array.from({ length: CASES }, (_, i) => `A${i}`)), anyText);
const department = fc.oneof(fc.constant(market), fc.record({ creditCode: anyText, name: text }));
const subject = fc.constant({ subjectId: "O91330106MA2H3K7P1X", kind: "organisation" });
const date = fc.constantFrom("2026-05-05", "2026-05-06", "2026-02-30", "x");
const ids = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), anyText);
/** A path segment of any string (a lone surrogate sent as its raw UTF-8 bytes, as a client could). */
const segment = (s: string) =>
  (s.isWellFormed() ? encodeURIComponent(s) : `${encodeURIComponent(s.toWellFormed())}%ED%A0%80`) || "x";

interface Route {
  name: string;
  url: (id: string) => string;
  as: TestCaller;
  body: fc.Arbitrary<unknown>;
}
const stepOutcome = fc.constantFrom(
  "accepted",
  "reached-satisfied",
  "reached-dissatisfied",
  "founded",
  "unfounded",
  "rectified",
  "explained",
  "closed",
  "follow-up-rating",
);
const routes: Route[] = [
  {
    name: "POST /ratings",
    url: () => "/ratings",
    as: applicant,
    body: body(
      record(
        {
          caseId,
          channel: fc.constantFrom("per-case", "comprehensive", "on-site"),
          level: fc.constantFrom(
            "very-satisfied",
            "satisfied",
            "basically-satisfied",
            "dissatisfied",
            "very-dissatisfied",
          ),
          comment: text,
          dimensions: fc.dictionary(fc.constantFrom("效率", "态度"), fc.integer({ min: 0, max: 6 })),
        },
        ["caseId", "channel", "level"],
      ),
    ),
  },
  {
    name: "POST /complaints",
    url: () => "/complaints",
    as: supervisor,
    body: body(
      record(
        {
          complaintId: ids,
          channel: fc.constantFrom("hotline-12345", "zhaocha-window"),
          category: fc.constantFrom("complaint", "suggestion"),
          summary: text,
          complainant: fc.oneof(fc.constant(APPLICANT), anyText),
          department,
          caseId,
        },
        ["complaintId", "channel", "category", "summary", "complainant", "department"],
      ),
    ),
  },
  ...(["supervisor", "officer"] as const).map((who) => ({
    name: `POST /feedback/{id}/steps as ${who}`,
    url: (id: string) => `/feedback/${id}/steps`,
    as: who === "supervisor" ? supervisor : officer,
    body: body(
      record(
        {
          step: fc.constantFrom("accept", "call-back", "verify", "answer", "close"),
          outcome: stepOutcome,
          note: text,
        },
        ["step", "outcome"],
      ),
    ),
  })),
  {
    name: "POST /feedback/{id}/reopen",
    url: (id) => `/feedback/${id}/reopen`,
    as: supervisor,
    body: body(record({ reason: text }, ["reason"])),
  },
  {
    name: "POST /feedback/{id}/appeal",
    url: (id) => `/feedback/${id}/appeal`,
    as: officer,
    body: body(record({ grounds: text }, ["grounds"])),
  },
  {
    name: "POST /feedback/{id}/appeal/decision",
    url: (id) => `/feedback/${id}/appeal/decision`,
    as: supervisor,
    body: body(record({ upheld: fc.boolean(), reasons: text }, ["upheld", "reasons"])),
  },
  {
    name: "POST /inspections",
    url: () => "/inspections",
    as: regulator,
    body: body(
      record(
        {
          inspectionId: ids,
          subject,
          department,
          method: fc.constantFrom("on-site", "document", "online", "sampling"),
          inspectedOn: date,
          result: fc.constantFrom("compliant", "violation-found", "rectification-ordered"),
        },
        ["inspectionId", "subject", "department", "method", "inspectedOn", "result"],
      ),
    ),
  },
  {
    name: "POST /findings",
    url: () => "/findings",
    as: regulator,
    body: body(
      record(
        {
          findingId: ids,
          subject,
          department,
          legalBasis: text,
          description: text,
          foundOn: date,
          severity: fc.constantFrom("minor", "general", "serious"),
          permitId: ids,
          measure: fc.constantFrom("penalty", "revoke-permit", "cancel-permit", "withdraw-permit"),
        },
        ["findingId", "subject", "department", "legalBasis", "description", "foundOn", "severity", "measure"],
      ),
    ),
  },
  {
    name: "POST /findings/{id}/penalty",
    url: (id) => `/findings/${id}/penalty`,
    as: regulator,
    body: body(
      record(
        {
          decisionNumber: text,
          penalties: fc.array(fc.constantFrom("warning", "fine", "x"), { maxLength: 3 }),
          fineYuan: fc.integer({ min: -5, max: 100_000 }),
          legalBasis: text,
          decidedOn: date,
        },
        ["decisionNumber", "penalties", "legalBasis", "decidedOn"],
      ),
    ),
  },
  {
    name: "POST /clocks/{id}/urge",
    url: (id) => `/clocks/${id}/urge`,
    as: supervisor,
    body: body(record({ note: text }, ["note"])),
  },
];

beforeAll(async () => {
  h = await startApp();
  for (let i = 0; i < CASES; i++) await givenCase(h, `A${i}`);
}, 120_000);
afterAll(async () => {
  await h?.dispose();
});

describe("review-and-monitor write routes: arbitrary requests never make a 5xx, and a refusal stores nothing", () => {
  it.each(routes)(
    "$name",
    async (route) => {
      const target = fc.oneof(
        { arbitrary: fc.constant("known"), weight: 3 },
        { arbitrary: anyText, weight: 1 },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.record({ body: route.body, target, headers, pick: fc.nat() }),
          async ({ body, target, headers, pick }) => {
            const m = await h.module.model.all();
            const known = [...m.feedback.keys(), ...m.findings.keys(), ...m.clocks.keys()];
            const id =
              target === "known" && known.length > 0
                ? (known[pick % known.length] as string)
                : segment(target);
            await probe.send({ url: `${base}${route.url(id)}`, caller: route.as, headers, body });
          },
        ),
        { numRuns: 80 },
      );
    },
    120_000,
  );

  it("sent many requests, and many got past the schemas into the store", () => {
    expect(probe.counts.sent).toBeGreaterThanOrEqual(80 * routes.length);
    expect(probe.counts.succeeded).toBeGreaterThan(50);
    expect(probe.counts.counted).toBeGreaterThan(50);
  });
});
