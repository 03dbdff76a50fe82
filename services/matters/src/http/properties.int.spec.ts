import type { TestCaller } from "@gov/runtime/testing";
import { arbitraryRequests, serviceTestApp } from "@gov/runtime/testing";
import { commandResult } from "@gov/service-kit";
import { useBackend } from "@gov/testing";
import { anyJson, body, record, text, unit } from "@gov/testing/arbitraries";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { departmentCode, validElements } from "../domain/matter/fixtures.ts";
import { mattersModule } from "../module.ts";

/**
 * Properties of every matters write route, over arbitrary JSON bodies and arbitrary strings (lone surrogates
 * included) in every field, path parameter and the command headers: the answer is never a 5xx (a server error
 * is a bug), a refusal is problem+json, and a refused request stores nothing (the store's event count does
 * not move). Bodies are mostly of the route's shape, so that many get past the schema into the handler.
 * The pattern is intake's (services/intake/src/http/properties.int.spec.ts).
 */

useBackend("sqlite", "matters write routes: properties (sqlite)", true);

const elements = validElements();
const dept = elements.implementingDepartment.creditCode;
const otherDept = departmentCode("11440200MB2C05555");
const admin: TestCaller = { role: "admin" };
const officer: TestCaller = { role: "officer", department: dept };
const otherOfficer: TestCaller = { role: "officer", department: otherDept };

/** The fixture's elements, each now and then replaced by anything (the name now and then by any text). */
const elementsArb = record<Record<string, fc.Arbitrary<unknown>>>(
  {
    ...Object.fromEntries(Object.entries(elements).map(([k, v]) => [k, fc.constant(v)])),
    name: fc.oneof({ arbitrary: fc.constant(elements.name), weight: 3 }, { arbitrary: text, weight: 1 }),
  },
  Object.keys(elements),
);
const department = record(
  {
    creditCode: fc.constantFrom(otherDept, otherDept, dept, "11440200MB2C0555X", "12"),
    name: text,
  },
  ["creditCode", "name"],
);
const reason = record({ reason: text }, ["reason"]);

/** The state a target matter is made in before the request, or an existing / arbitrary id. */
type Target = "drafted" | "claimed" | "published" | "suspended" | "transfer-requested" | "known" | string;
const target = (fresh: Target) =>
  fc.oneof(
    // Fresh often: the known matter is soon in a state most commands refuse (409).
    { arbitrary: fc.constant(fresh), weight: 4 },
    { arbitrary: fc.constant("known"), weight: 4 },
    { arbitrary: fc.string({ unit, maxLength: 20 }).map((s) => `raw:${s}`), weight: 2 },
  );

interface Route {
  name: string;
  runs: number;
  method?: "POST" | "PUT";
  path: (id: string) => string;
  body: fc.Arbitrary<unknown>;
  /** For routes on one matter: the state a fresh target is made in. */
  fresh?: Target;
  as?: TestCaller;
}
let counter = 0;
const routes: Route[] = [
  {
    name: "POST /matters",
    runs: 400,
    path: () => "/matters",
    body: body(
      record(
        {
          matterId: fc.oneof(
            { arbitrary: fc.constant("x").map(() => `m${counter++}`), weight: 6 },
            { arbitrary: fc.constantFrom("known", "pub"), weight: 1 },
            { arbitrary: fc.string({ unit, maxLength: 70 }), weight: 1 },
          ),
          elements: elementsArb,
        },
        ["matterId", "elements"],
      ),
    ),
  },
  {
    name: "PUT /matters/{id}/draft",
    method: "PUT",
    runs: 250,
    fresh: "drafted",
    path: (id) => `/matters/${id}/draft`,
    body: body(record({ elements: elementsArb }, ["elements"])),
  },
  {
    name: "POST /matters/{id}/claim",
    runs: 200,
    fresh: "drafted",
    as: officer,
    path: (id) => `/matters/${id}/claim`,
    body: body(anyJson),
  },
  {
    name: "POST /matters/{id}/publish",
    runs: 250,
    fresh: "claimed",
    path: (id) => `/matters/${id}/publish`,
    body: body(
      record(
        {
          effectiveFrom: fc.constantFrom(
            "2026-06-01T00:00:00+08:00",
            "2026-05-06T10:00:00+08:00",
            "2020-01-01T00:00:00Z",
            "tomorrow",
          ),
        },
        [],
      ),
    ),
  },
  {
    name: "POST /matters/{id}/suspend",
    runs: 200,
    fresh: "published",
    path: (id) => `/matters/${id}/suspend`,
    body: body(reason),
  },
  {
    name: "POST /matters/{id}/resume",
    runs: 150,
    fresh: "suspended",
    path: (id) => `/matters/${id}/resume`,
    body: body(anyJson),
  },
  {
    name: "POST /matters/{id}/transfer",
    runs: 250,
    fresh: "published",
    path: (id) => `/matters/${id}/transfer`,
    body: body(record({ to: department, reason: text }, ["to", "reason"])),
  },
  {
    name: "POST /matters/{id}/transfer/confirm",
    runs: 150,
    fresh: "transfer-requested",
    as: otherOfficer,
    path: (id) => `/matters/${id}/transfer/confirm`,
    body: body(anyJson),
  },
  {
    name: "POST /matters/{id}/transfer/cancel",
    runs: 150,
    fresh: "transfer-requested",
    path: (id) => `/matters/${id}/transfer/cancel`,
    body: body(reason),
  },
  {
    name: "POST /matters/{id}/retire",
    runs: 200,
    fresh: "published",
    path: (id) => `/matters/${id}/retire`,
    body: body(reason),
  },
  {
    name: "POST /matters/bundles",
    runs: 300,
    path: () => "/matters/bundles",
    body: body(
      record(
        {
          bundleId: fc.oneof(
            { arbitrary: fc.constant("x").map(() => `b${counter++}`), weight: 6 },
            { arbitrary: fc.constant("known-bundle"), weight: 1 },
            { arbitrary: fc.string({ unit, maxLength: 70 }), weight: 1 },
          ),
          name: text,
          leadDepartment: department,
          matterIds: fc.oneof(
            { arbitrary: fc.constant(["pub", "pub2"]), weight: 6 },
            {
              arbitrary: fc.array(fc.constantFrom("pub", "pub2", "known", "no-such"), { maxLength: 4 }),
              weight: 2,
            },
          ),
          dependencies: fc.array(
            record(
              {
                matterId: fc.constantFrom("pub", "pub2", "no-such"),
                materialId: fc.constantFrom("M01", "M02", "M99"),
                producedBy: fc.constantFrom("pub", "pub2"),
              },
              ["matterId", "materialId", "producedBy"],
            ),
            { maxLength: 2 },
          ),
        },
        ["bundleId", "name", "leadDepartment", "matterIds"],
      ),
    ),
  },
  {
    name: "POST /matters/bundles/{id}/retire",
    runs: 200,
    fresh: "bundle",
    path: (id) => `/matters/bundles/${id}/retire`,
    body: body(reason),
  },
  {
    name: "PUT /matters/kpis/materials-baseline",
    method: "PUT",
    runs: 250,
    path: () => "/matters/kpis/materials-baseline",
    body: body(
      record(
        {
          count: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer()),
          asOf: fc.constantFrom("2018-06-30", "2019-01-01", "2999-01-01", "2018-02-30"),
          source: record(
            {
              title: text,
              number: text,
              url: fc.constantFrom("https://example.gov.cn/doc", "not a url"),
            },
            ["title"],
          ),
          reason: text,
        },
        ["count", "asOf", "source"],
      ),
    ),
  },
  {
    name: "PUT /matters/calendar/{year}",
    method: "PUT",
    runs: 250,
    fresh: "year",
    path: (year) => `/matters/calendar/${year}`,
    body: body(
      record(
        {
          year: fc.constantFrom(2027, 2028, 1999),
          holidays: fc.array(fc.constantFrom("2027-01-01", "2027-10-01", "2028-05-01", "2027-02-30", "x"), {
            maxLength: 4,
          }),
          makeUpWorkdays: fc.array(fc.constantFrom("2027-09-26", "2027-10-09", "2028-04-30", "2027-10-02"), {
            maxLength: 2,
          }),
          notice: record(
            {
              title: fc.oneof(fc.constant("国务院办公厅关于2027年部分节假日安排的通知（测试数据）"), text),
              number: fc.oneof(fc.constant("测试〔2026〕1号"), text),
              publishedOn: fc.constantFrom("2026-11-01", "2026-13-01"),
              url: fc.constantFrom("https://example.gov.cn/notice", "::"),
            },
            ["title", "number"],
          ),
          reason: text,
        },
        ["holidays", "makeUpWorkdays", "notice"],
      ),
    ),
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

const start = () => serviceTestApp((deps) => mattersModule(deps, { seedCalendar: false }));
let h: Awaited<ReturnType<typeof start>>;
/** Every arbitrary request goes through one probe: never a 5xx, a refusal stores nothing. */
const probe = arbitraryRequests(() => h);
const _newEvents = () => probe.newEvents();

const send = async (caller: TestCaller, method: "POST" | "PUT", url: string, payload: object = {}) => {
  const res = await h.app.inject({ method, url, payload, headers: await h.as(caller) });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res;
};
/** Waits until the catalog has caught up with a reply's log position. */
const seen = async (position: string | undefined) => {
  const res = await h.app.inject({
    method: "GET",
    url: "/matters/kpis",
    headers: position ? { "min-log-position": position } : {},
  });
  expect(res.statusCode, res.body).toBe(200);
};
const publish = async (matterId: string) => {
  await send(officer, "POST", `/matters/${matterId}/claim`);
  return commandResult.parse((await send(admin, "POST", `/matters/${matterId}/publish`)).json());
};
/** A new matter in the state a route's command needs. */
const fresh = async (state: Target): Promise<string> => {
  // The arrangement's dates are of 2027: a first publication, then the same again (200) or a correction.
  if (state === "year") return "2027";
  if (state === "bundle") {
    const bundleId = `fresh-bundle-${counter++}`;
    await send(admin, "POST", "/matters/bundles", {
      bundleId,
      name: "企业开办（测试）",
      leadDepartment: { creditCode: dept, name: "市场监管局" },
      matterIds: ["pub", "pub2"],
    });
    return bundleId;
  }
  const matterId = `fresh-${counter++}`;
  await send(admin, "POST", "/matters", { matterId, elements });
  if (state === "drafted") return matterId;
  if (state === "claimed") {
    await send(officer, "POST", `/matters/${matterId}/claim`);
    return matterId;
  }
  await publish(matterId);
  if (state === "suspended") await send(admin, "POST", `/matters/${matterId}/suspend`, { reason: "暂停" });
  if (state === "transfer-requested")
    await send(admin, "POST", `/matters/${matterId}/transfer`, {
      to: { creditCode: otherDept, name: "税务局" },
      reason: "职能调整",
    });
  return matterId;
};

describe("matters write routes: arbitrary bodies never make a 5xx, and a refused request stores nothing", () => {
  beforeAll(async () => {
    h = await start();
    await send(admin, "POST", "/matters", { matterId: "known", elements });
    for (const matterId of ["pub", "pub2"]) {
      await send(admin, "POST", "/matters", { matterId, elements });
      await seen((await publish(matterId)).position);
    }
    await send(admin, "POST", "/matters/bundles", {
      bundleId: "known-bundle",
      name: "企业开办（测试）",
      leadDepartment: { creditCode: dept, name: "市场监管局" },
      matterIds: ["pub", "pub2"],
    });
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it.each(routes)(
    "$name: $runs arbitrary requests",
    async (route) => {
      const arbitrary = fc.record({ body: route.body, target: target(route.fresh ?? "known"), headers });
      await fc.assert(
        fc.asyncProperty(arbitrary, async ({ body, target, headers }) => {
          let id = route.fresh === "bundle" ? "known-bundle" : route.fresh === "year" ? "2028" : "known";
          if (target.startsWith("raw:")) id = segment(target.slice(4));
          else if (route.fresh && target === route.fresh) id = await fresh(target);
          await probe.send({
            ...(route.method ? { method: route.method } : {}),
            url: route.path(id),
            caller: route.as ?? admin,
            headers,
            body,
          });
        }),
        { numRuns: route.runs },
      );
    },
    120_000,
  );

  it("sent at least 3 000 arbitrary requests across matters' write routes", () => {
    expect(probe.counts.sent).toBeGreaterThanOrEqual(3_000);
    // Many got past the schemas and the rules into the store: the properties are not about 400s alone.
    expect(probe.counts.succeeded).toBeGreaterThan(300);
    expect(probe.counts.counted).toBeGreaterThan(300);
  });
});
