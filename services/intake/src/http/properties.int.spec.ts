import type { TestCaller } from "@gov/runtime/testing";
import { arbitraryRequests, serviceTestApp } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { anyJson, body, field, record, text, unit } from "@gov/testing/arbitraries";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hygieneMatter } from "../domain/application/fixtures.ts";
import { intakeModule } from "../module.ts";
import { applicationCommandResult } from "./schemas.ts";
import { hygieneElements, publishBundle, publishCalendar, publishMatter } from "./test-fixtures.ts";

/**
 * Properties of every intake write route, over arbitrary JSON bodies and arbitrary strings (lone surrogates
 * included) in every field, path parameter and the command headers: the answer is never a 5xx (a server error
 * is a bug), a refusal is problem+json, and a refused request stores nothing (the store's event count does
 * not move). Bodies are mostly of the route's shape, so that many get past the schema into the handler.
 */

useBackend("sqlite", "intake write routes: properties (sqlite)", true);

const CODE = "91330106MA2H3K7P1E";
const SUBJECT = `O${CODE}`;
const BUNDLE = "open-a-restaurant";
const clerk: TestCaller = { role: "window-clerk", region: hygieneMatter.region };

/** The fixture matter's materials mostly (M01, M03, M04 are files, LIC a certificate), now and then others. */
const materialId = fc.oneof(
  { arbitrary: fc.constantFrom("M01", "M03", "M04"), weight: 8 },
  { arbitrary: fc.constantFrom("LIC", "second-matter:M01", "X9"), weight: 1 },
);
const sha256 = fc.oneof(fc.constant("b".repeat(64)), fc.stringMatching(/^[0-9a-f]{64}$/));
const uri = fc.oneof(fc.constant("s3://uploads/x.pdf"), text);
/** One material as the applicant hands it over: mostly one of the valid forms, now and then a mixture. */
const material = fc.oneof(
  {
    arbitrary: record(
      { materialId, provision: fc.constant("provided"), file: record({ uri, sha256 }, ["uri", "sha256"]) },
      ["materialId", "provision", "file"],
    ),
    weight: 8,
  },
  {
    arbitrary: record(
      {
        materialId: fc.constantFrom("LIC", "M01"),
        provision: fc.constant("certificate"),
        certificateId: text,
      },
      ["materialId", "provision", "certificateId"],
    ),
    weight: 2,
  },
  {
    arbitrary: record(
      { materialId, provision: fc.constantFrom("promised", "missing", "obtained-by-department") },
      ["materialId", "provision"],
    ),
    weight: 1,
  },
  {
    arbitrary: record(
      { materialId, provision: text, file: record({ uri, sha256 }, []), certificateId: text },
      [],
    ),
    weight: 1,
  },
);
/** Mostly each material once (a repeat is a 400 of its own); now and then anything in the list. */
const materials = fc.uniqueArray(field(material), {
  maxLength: 4,
  selector: (m) => (m !== null && typeof m === "object" && "materialId" in m ? m.materialId : m),
});
const applicant = fc.oneof(
  {
    arbitrary: record({ kind: fc.constant("organisation"), creditCode: fc.constant(CODE), name: text }, [
      "kind",
      "creditCode",
    ]),
    weight: 6,
  },
  {
    arbitrary: record(
      {
        kind: fc.constant("organisation"),
        creditCode: fc.constantFrom("91330106MA2H3K7P10", "12345"),
        name: text,
      },
      ["kind", "creditCode"],
    ),
    weight: 1,
  },
  {
    arbitrary: record(
      { kind: fc.constant("person"), idNumber: fc.constantFrom("11010519491231002X", "110105194912310021") },
      ["kind", "idNumber"],
    ),
    weight: 1,
  },
);
const channel = fc.constantFrom("window", "online", "proxy", "cross-region", "fax");
const date = fc.constantFrom("2026-10-09", "2026-09-28", "2026-10-30", "2027-02-30");
const instant = fc.constantFrom("2026-09-29T09:50:00+08:00", "2026-09-30T09:50:00+08:00", "yesterday");
const deferralPromise = record(
  {
    materialIds: fc.array(materialId, { maxLength: 3 }),
    supplyBy: date,
    signature: record(
      {
        file: record({ uri: fc.constant("s3://uploads/promise.pdf"), sha256 }, ["uri", "sha256"]),
        signedAt: instant,
        signedBy: fc.constantFrom(SUBJECT, "张三"),
      },
      ["file", "signedAt", "signedBy"],
    ),
  },
  ["materialIds", "supplyBy", "signature"],
);

/** The state a target application is made in before the request, or an existing / arbitrary id. */
type Target = "submitted" | "correction-requested" | "accepted-with-deferred" | "known" | string;
const target = (fresh: Target) =>
  fc.oneof(
    { arbitrary: fc.constant(fresh), weight: 1 },
    { arbitrary: fc.constant("known"), weight: 7 },
    { arbitrary: fc.string({ unit, maxLength: 20 }).map((s) => `raw:${s}`), weight: 2 },
  );

interface Route {
  name: string;
  runs: number;
  path: (id: string) => string;
  body: fc.Arbitrary<unknown>;
  /** For routes on one application: the state a fresh target is made in. */
  fresh?: Target;
  as?: TestCaller;
  /** The applicant may call it too: half the requests come from the applicant, half from the clerk. */
  applicantToo?: true;
}
const routes: Route[] = [
  // First, while the store is small: a run tries every application with a deadline pending (see the report).
  {
    name: "POST /intake/scheduler/run",
    runs: 500,
    path: () => "/intake/scheduler/run",
    body: body(anyJson),
    as: { role: "system" },
  },
  {
    name: "POST /intake/applications",
    runs: 2_000,
    path: () => "/intake/applications",
    applicantToo: true,
    body: body(
      record(
        {
          matterId: fc.constantFrom(
            hygieneMatter.matterId,
            hygieneMatter.matterId,
            "second-matter",
            "no-such",
          ),
          applicant,
          channel,
          materials,
          informedCommitmentRequested: fc.boolean(),
        },
        ["matterId", "applicant", "channel", "materials"],
      ),
    ),
  },
  {
    name: "POST /intake/bundle-applications",
    runs: 1_500,
    path: () => "/intake/bundle-applications",
    applicantToo: true,
    body: body(
      record(
        { bundleId: fc.constantFrom(BUNDLE, BUNDLE, BUNDLE, "no-such"), applicant, channel, materials },
        ["bundleId", "applicant", "channel", "materials"],
      ),
    ),
  },
  {
    name: "POST /intake/applications/{id}/check",
    runs: 1_500,
    fresh: "submitted",
    path: (id) => `/intake/applications/${id}/check`,
    body: body(
      record(
        {
          defects: fc.array(field(record({ materialId, note: text }, ["materialId", "note"])), {
            maxLength: 3,
          }),
          deferralPromise,
        },
        [],
      ),
    ),
  },
  {
    name: "POST /intake/applications/{id}/supplement",
    runs: 1_250,
    fresh: "correction-requested",
    path: (id) => `/intake/applications/${id}/supplement`,
    applicantToo: true,
    body: body(record({ materials }, ["materials"])),
  },
  {
    name: "POST /intake/applications/{id}/reject",
    runs: 1_250,
    fresh: "submitted",
    path: (id) => `/intake/applications/${id}/reject`,
    body: body(record({ reason: text, legalBasis: text }, ["reason", "legalBasis"])),
  },
  {
    name: "POST /intake/applications/{id}/deferred-materials",
    runs: 1_000,
    fresh: "accepted-with-deferred",
    path: (id) => `/intake/applications/${id}/deferred-materials`,
    applicantToo: true,
    body: body(record({ materials }, ["materials"])),
  },
  {
    name: "POST /intake/applications/{id}/withdraw",
    runs: 1_000,
    fresh: "submitted",
    path: (id) => `/intake/applications/${id}/withdraw`,
    body: body(record({ reason: text }, ["reason"])),
    applicantToo: true,
  },
];

/** Command headers: mostly none; else an Idempotency-Key and an If-Match, well-formed or not. */
const printable = fc.stringMatching(/^[\x20-\x7e]{0,30}$/);
const headers = fc.oneof(
  { arbitrary: fc.constant({}), weight: 6 },
  {
    arbitrary: fc.record(
      {
        "idempotency-key": fc.oneof(fc.uuid(), fc.constantFrom("k1", "k2"), printable),
        "if-match": fc.oneof(fc.constantFrom('"0"', '"1"', '"2"', '"99"', "*"), printable),
      },
      { requiredKeys: [] },
    ),
    weight: 2,
  },
);

/** A path segment from any string: percent-encoded, a lone surrogate as the bytes of its 3-byte form. */
const segment = (s: string) =>
  s.isWellFormed() ? encodeURIComponent(s) : `${encodeURIComponent(s.toWellFormed())}%ED%A0%80`;

const start = () =>
  serviceTestApp((deps) => intakeModule(deps, { schedulerIntervalMs: 0 }), {
    start: "2026-09-29T10:00:00+08:00",
  });
let h: Awaited<ReturnType<typeof start>>;
let known: string;
/** Every arbitrary request goes through one probe: never a 5xx, a refusal stores nothing. */
const probe = arbitraryRequests(() => h);
const newEvents = () => probe.newEvents();

const file = (id: string) => ({
  materialId: id,
  provision: "provided",
  file: { uri: `s3://uploads/${id}.pdf`, sha256: "b".repeat(64) },
});
const complete = [
  file("M01"),
  { materialId: "LIC", provision: "certificate", certificateId: "ZZ-1" },
  file("M03"),
  file("M04"),
];
const clerkPost = async (url: string, payload: object) => {
  const res = await h.app.inject({ method: "POST", url, payload, headers: await h.as(clerk) });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return applicationCommandResult.parse(res.json());
};
/** A new application of SUBJECT in the state a route's command needs, visible to the routes' access check. */
const fresh = async (state: Target) => {
  const missing = state === "correction-requested" ? "M03" : state === "accepted-with-deferred" ? "M04" : "";
  const submitted = await clerkPost("/intake/applications", {
    matterId: hygieneMatter.matterId,
    applicant: { kind: "organisation", creditCode: CODE },
    channel: "window",
    materials: complete.filter((m) => m.materialId !== missing),
  });
  let position = submitted.position;
  if (state !== "submitted") {
    const promise = {
      materialIds: ["M04"],
      supplyBy: "2026-10-09",
      signature: {
        file: { uri: "s3://uploads/promise.pdf", sha256: "d".repeat(64) },
        signedAt: "2026-09-29T09:50:00+08:00",
        signedBy: SUBJECT,
      },
    };
    const checked = await clerkPost(
      `/intake/applications/${submitted.id}/check`,
      state === "accepted-with-deferred" ? { deferralPromise: promise } : {},
    );
    position = checked.position;
  }
  const seen = await h.app.inject({
    method: "GET",
    url: `/intake/applications/${submitted.id}`,
    headers: { ...(await h.as(clerk)), ...(position ? { "min-log-position": position } : {}) },
  });
  expect(seen.statusCode, seen.body).toBe(200);
  return submitted.id;
};

describe("intake write routes: arbitrary bodies never make a 5xx, and a refused request stores nothing", () => {
  beforeAll(async () => {
    h = await start();
    await publishMatter(h);
    await publishMatter(h, hygieneElements, "second-matter");
    await publishBundle(h, BUNDLE, [hygieneMatter.matterId, "second-matter"]);
    await publishCalendar(h);
    // (expect.poll is for tests only; vi.waitFor is the same wait with a deadline, in a hook)
    await vi.waitFor(async () => expect(await h.module.matters.bundle(BUNDLE)).toBeDefined(), {
      timeout: 10_000,
    });
    await vi.waitFor(() => expect(h.module.calendar.years().length).toBeGreaterThan(0), { timeout: 10_000 });
    known = await fresh("submitted");
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it.each(routes)(
    "$name: $runs arbitrary requests",
    async (route) => {
      const arbitrary = fc.record({
        body: route.body,
        target: target(route.fresh ?? "known"),
        headers,
        asApplicant: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(arbitrary, async ({ body, target, headers, asApplicant }) => {
          let id = known;
          if (target.startsWith("raw:")) id = segment(target.slice(4));
          else if (route.fresh && target === route.fresh) id = await fresh(target);
          const caller =
            route.as ??
            (route.applicantToo && asApplicant ? { role: "applicant" as const, sub: SUBJECT } : clerk);
          await probe.send({ url: route.path(id), caller, headers, body });
        }),
        { numRuns: route.runs },
      );
    },
    120_000,
  );

  // Found by this suite: the bundle's cases were appended one stream at a time, so a refusal of a later case left
  // the earlier ones stored. A bundle is now one all-or-nothing multi-stream append.
  it("a refused bundle submission stores nothing (one multi-stream append)", async () => {
    await newEvents();
    const res = await h.app.inject({
      method: "POST",
      url: "/intake/bundle-applications",
      headers: await h.as(clerk),
      payload: {
        bundleId: BUNDLE,
        applicant: { kind: "organisation", creditCode: CODE },
        channel: "window",
        // No certificate replaces the second matter's application form: its case is refused, after the first's.
        materials: [{ materialId: "second-matter:M01", provision: "certificate", certificateId: "ZZ-1" }],
      },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(await newEvents()).toBe(0);
  });

  it("sent at least 10 000 arbitrary requests across intake's write routes", () => {
    expect(probe.counts.sent).toBeGreaterThanOrEqual(10_000);
    // Many got past the schemas and the rules into the store: the properties are not about 400s alone.
    expect(probe.counts.succeeded).toBeGreaterThan(300);
    expect(probe.counts.counted).toBeGreaterThan(300);
  });
});
