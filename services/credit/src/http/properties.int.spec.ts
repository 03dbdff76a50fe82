import type { Role } from "@gov/contracts";
import { creditCodeCheckCharacter, residentIdCheckCharacter } from "@gov/identifiers";
import type { TestCaller } from "@gov/runtime/testing";
import { arbitraryRequests, serviceTestApp } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { anyJson, body, field, record, text, unit } from "@gov/testing/arbitraries";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditModule } from "../module.ts";

/**
 * Properties of every credit write route, over arbitrary JSON bodies and arbitrary strings (lone surrogates
 * included) in every field, path parameter and the command headers: the answer is never a 5xx (a server error
 * is a bug), a refusal is problem+json, and a refused request stores nothing (the store's event count does
 * not move). Bodies are mostly of the route's shape, so that many get past the schema into the handler.
 * The pattern is intake's (services/intake/src/http/properties.int.spec.ts).
 */

useBackend("sqlite", "credit write routes: properties (sqlite)", true);

let serial = 0;
/** A new, well-formed 统一社会信用代码 (GB 32100-2015) each call. */
const newCode = () => {
  const first17 = `91330106MA${String(serial++).padStart(7, "0")}`;
  return `${first17}${creditCodeCheckCharacter(first17)}`;
};
/** A new, valid 居民身份证号 (GB 11643-1999) each call (test numbers, not real people's). */
const newIdNumber = () => {
  const n = serial++;
  const first17 = `33010619${80 + (Math.floor(n / 1000) % 20)}0312${String(n % 1000).padStart(3, "0")}`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
};
const CODE = newCode();
const KNOWN = `O${CODE}`;
const market = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };
const admin: TestCaller = { role: "credit-admin" };

const decision = (key: "upheld" | "approved") =>
  body(record({ [key]: fc.boolean(), reasons: text }, [key, "reasons"]));
const texts = fc.array(field(text), { maxLength: 3 });
const date = fc.constantFrom("2026-05-06", "2026-06-01", "2027-01-01", "2020-01-01", "2026-02-30");

/** What a request acts on: a subject (and an entry of it), in the state the route's command needs. */
interface Target {
  subjectId: string;
  listingId: string;
}
type Fresh =
  | "registered"
  | "person"
  | "notified"
  | "objected"
  | "effective-black"
  | "repair-requested"
  | "effective-abnormal"
  | "removal-requested";
type Pick = "fresh" | "known" | `raw:${string}`;
const target = fc.oneof(
  { arbitrary: fc.constant<Pick>("fresh"), weight: 4 },
  { arbitrary: fc.constant<Pick>("known"), weight: 4 },
  {
    arbitrary: fc
      .tuple(fc.string({ unit, maxLength: 20 }), fc.string({ unit, maxLength: 8 }))
      .map(([s, l]) => `raw:${s}\u0000${l}` as Pick),
    weight: 2,
  },
);

interface Route {
  name: string;
  runs: number;
  path: (t: Target) => string;
  body: fc.Arbitrary<unknown>;
  /** For routes on one subject or entry: the state a fresh target is made in. */
  fresh?: Fresh;
  as?: TestCaller;
  /** The subject itself may call it too: half the requests come from its applicant token. */
  subjectToo?: true;
}
const entry = (t: Target, command: string) =>
  `/credit/subjects/${t.subjectId}/listings/${t.listingId}/${command}`;
const routes: Route[] = [
  {
    name: "POST /credit/scheduler/run",
    runs: 100,
    path: () => "/credit/scheduler/run",
    body: body(anyJson),
    as: { role: "system" },
  },
  {
    name: "POST /credit/subjects",
    runs: 350,
    path: () => "/credit/subjects",
    body: body(
      fc.oneof(
        record({ kind: fc.constant("organisation"), creditCode: fc.constant(0).map(newCode), name: text }, [
          "kind",
          "creditCode",
          "name",
        ]),
        record({ kind: fc.constant("person"), idNumber: fc.constant(0).map(newIdNumber), name: text }, [
          "kind",
          "idNumber",
          "name",
        ]),
        record(
          {
            kind: fc.constantFrom("person", "organisation", "other"),
            idNumber: fc.constantFrom("11010519491231002X", "110105194912310021", "x"),
            creditCode: fc.constantFrom(CODE, "91330106MA2H3K7P10", "12345"),
            name: text,
          },
          ["kind"],
        ),
      ),
    ),
  },
  {
    name: "POST /credit/lookup",
    runs: 300,
    path: () => "/credit/lookup",
    as: { role: "window-clerk" },
    body: body(
      fc.oneof(
        record({ creditCode: fc.constantFrom(CODE, CODE, "91330106MA2H3K7P10"), purpose: text }, [
          "creditCode",
          "purpose",
        ]),
        record(
          {
            idNumber: fc.constantFrom("11010519491231002X", "110105194912310021"),
            creditCode: fc.constant(CODE),
            purpose: text,
            extra: text,
          },
          [],
        ),
      ),
    ),
  },
  {
    name: "POST /credit/subjects/{id}/listings",
    runs: 400,
    fresh: "registered",
    path: (t) => `/credit/subjects/${t.subjectId}/listings`,
    body: body(
      fc
        .tuple(
          // One of the three lists with its own fields mostly (a black-list severity, a 经营异常 ground), now
          // and then the fields of another list, so the rules between them are tried too.
          fc.oneof(
            {
              arbitrary: fc.record({
                list: fc.constant("black"),
                severity: fc.constantFrom("minor", "serious"),
              }),
              weight: 4,
            },
            { arbitrary: fc.record({ list: fc.constant("red") }), weight: 2 },
            {
              arbitrary: fc.record({
                list: fc.constant("abnormal-operation"),
                ground: fc.constantFrom("annual-report-not-filed", "false-information"),
              }),
              weight: 2,
            },
            {
              arbitrary: record(
                {
                  list: fc.constantFrom("black", "red", "abnormal-operation", "grey"),
                  severity: fc.constantFrom("minor", "general", "none"),
                  ground: fc.constantFrom("unreachable-at-address", "other"),
                  validUntil: date,
                },
                ["list"],
              ),
              weight: 1,
            },
          ),
          record(
            {
              listingId: fc.oneof(
                { arbitrary: fc.constant(0).map(() => `L${serial++}`), weight: 6 },
                { arbitrary: fc.constantFrom("N", "B", "A"), weight: 1 },
                { arbitrary: fc.string({ unit, maxLength: 70 }), weight: 1 },
              ),
              issuingDepartment: fc.oneof(
                { arbitrary: fc.constant(market), weight: 8 },
                {
                  arbitrary: record({ creditCode: fc.constantFrom(market.creditCode, "12"), name: text }, []),
                  weight: 1,
                },
              ),
              legalBasis: text,
              reason: text,
              startDate: fc.constantFrom("2026-05-06", "2026-05-22", "2025-01-01"),
            },
            ["listingId", "issuingDepartment", "legalBasis", "reason"],
          ),
        )
        .map(([list, rest]) => ({ ...rest, ...list })),
    ),
  },
  {
    name: "POST …/objection",
    runs: 300,
    fresh: "notified",
    subjectToo: true,
    path: (t) => entry(t, "objection"),
    body: body(record({ grounds: text }, ["grounds"])),
  },
  {
    name: "POST …/objection/decision",
    runs: 250,
    fresh: "objected",
    path: (t) => entry(t, "objection/decision"),
    body: decision("upheld"),
  },
  {
    name: "POST …/repair",
    runs: 220,
    fresh: "effective-black",
    subjectToo: true,
    path: (t) => entry(t, "repair"),
    body: body(
      record({ dutiesPerformed: texts, creditPromise: fc.boolean() }, ["dutiesPerformed", "creditPromise"]),
    ),
  },
  {
    name: "POST …/repair/decision",
    runs: 220,
    fresh: "repair-requested",
    path: (t) => entry(t, "repair/decision"),
    body: decision("approved"),
  },
  {
    name: "POST …/removal",
    runs: 220,
    fresh: "effective-abnormal",
    subjectToo: true,
    path: (t) => entry(t, "removal"),
    body: body(record({ rectification: texts }, ["rectification"])),
  },
  {
    name: "POST …/removal/decision",
    runs: 220,
    fresh: "removal-requested",
    path: (t) => entry(t, "removal/decision"),
    body: decision("approved"),
  },
  {
    name: "POST …/withdraw",
    runs: 250,
    fresh: "notified",
    path: (t) => entry(t, "withdraw"),
    body: body(record({ reason: text }, ["reason"])),
  },
  {
    name: "POST /credit/subjects/{id}/erasure",
    runs: 200,
    fresh: "person",
    as: { role: "admin" },
    path: (t) => `/credit/subjects/${t.subjectId}/erasure`,
    body: body(record({ request: text }, ["request"])),
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
  serviceTestApp((deps) => creditModule(deps, { schedulerIntervalMs: 0, lookupsPerMinute: 100_000 }), {
    start: "2026-05-06T10:00:00+08:00",
  });
let h: Awaited<ReturnType<typeof start>>;
/** Every arbitrary request goes through one probe: never a 5xx, a refusal stores nothing. */
const probe = arbitraryRequests(() => h);
const _newEvents = () => probe.newEvents();

const send = async (url: string, payload: object, caller: TestCaller = admin) => {
  const res = await h.app.inject({ method: "POST", url, payload, headers: await h.as(caller) });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json() as { id: string };
};
const organisation = async () =>
  (await send("/credit/subjects", { kind: "organisation", creditCode: newCode(), name: "示例公司（测试）" }))
    .id;
const listing = (listingId: string, list: string, extra: object = {}) => ({
  listingId,
  list,
  issuingDepartment: market,
  legalBasis: "《企业信息公示暂行条例》第十七条",
  reason: "未按期公示年度报告",
  ...extra,
});
const notified = async (): Promise<Target> => {
  const subjectId = await organisation();
  await send(`/credit/subjects/${subjectId}/listings`, listing("N", "black", { severity: "serious" }));
  return { subjectId, listingId: "N" };
};

/**
 * Subjects with effective entries, made before the runs (an entry takes effect once its objection window has
 * passed): a minor black-list entry `B` (repairable at once: its minimum disclosure period is 0 months) and a
 * 经营异常名录 entry `A`. A fresh target of the routes that need one takes the next subject.
 */
const pool: string[] = [];
const POOL = 450;
const fromPool = (listingId: string): Target => {
  const subjectId = pool.pop();
  if (!subjectId) throw new Error("the pool of subjects with effective entries is used up: make POOL larger");
  return { subjectId, listingId };
};
const fresh = async (state: Fresh): Promise<Target> => {
  switch (state) {
    case "registered":
      return { subjectId: await organisation(), listingId: "N" };
    case "person": {
      const { id } = await send("/credit/subjects", {
        kind: "person",
        idNumber: newIdNumber(),
        name: "示例乙",
      });
      return { subjectId: id, listingId: "N" };
    }
    case "notified":
      return notified();
    case "objected": {
      const t = await notified();
      await send(entry(t, "objection"), { grounds: "处罚决定已被撤销" });
      return t;
    }
    case "effective-black":
      return fromPool("B");
    case "repair-requested": {
      const t = fromPool("B");
      await send(entry(t, "repair"), { dutiesPerformed: ["已缴纳罚款"], creditPromise: true });
      return t;
    }
    case "effective-abnormal":
      return fromPool("A");
    case "removal-requested": {
      const t = fromPool("A");
      await send(entry(t, "removal"), { rectification: ["已补报年度报告"] });
      return t;
    }
    default:
      return state satisfies never;
  }
};

describe("credit write routes: arbitrary bodies never make a 5xx, and a refused request stores nothing", () => {
  beforeAll(async () => {
    h = await start();
    await send("/credit/subjects", { kind: "organisation", creditCode: CODE, name: "已知公司（测试）" });
    await send(`/credit/subjects/${KNOWN}/listings`, listing("N", "black", { severity: "serious" }));
    for (let i = 0; i < POOL; i++) {
      const subjectId = await organisation();
      await send(`/credit/subjects/${subjectId}/listings`, listing("B", "black", { severity: "minor" }));
      await send(
        `/credit/subjects/${subjectId}/listings`,
        listing("A", "abnormal-operation", { ground: "annual-report-not-filed" }),
      );
      pool.push(subjectId);
    }
    // Past the objection window: the scheduled process makes the entries effective.
    h.clock.advanceDays(16);
    await send("/credit/scheduler/run", {}, { role: "system" });
  }, 120_000);
  afterAll(async () => {
    await h?.dispose();
  });

  it.each(routes)(
    "$name: $runs arbitrary requests",
    async (route) => {
      const arbitrary = fc.record({ body: route.body, target, headers, asSubject: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(arbitrary, async ({ body, target, headers, asSubject }) => {
          let t: Target = { subjectId: KNOWN, listingId: "N" };
          // The applicant is the target subject (for an arbitrary path, the known subject: someone else).
          let subject = KNOWN;
          if (target.startsWith("raw:")) {
            const [s = "", l = ""] = target.slice(4).split("\u0000");
            t = { subjectId: segment(s), listingId: segment(l) };
          } else if (route.fresh && target === "fresh") {
            t = await fresh(route.fresh);
            subject = t.subjectId;
          }
          const caller: TestCaller =
            route.as ??
            (route.subjectToo && asSubject ? { role: "applicant" satisfies Role, sub: subject } : admin);
          await probe.send({ url: route.path(t), caller, headers, body });
        }),
        { numRuns: route.runs },
      );
    },
    120_000,
  );

  it("sent at least 3 000 arbitrary requests across credit's write routes", () => {
    expect(probe.counts.sent).toBeGreaterThanOrEqual(3_000);
    // Many got past the schemas and the rules into the store: the properties are not about 400s alone.
    expect(probe.counts.succeeded).toBeGreaterThan(300);
    expect(probe.counts.counted).toBeGreaterThan(300);
  });
});
