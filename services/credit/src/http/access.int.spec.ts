import { type Role, roles } from "@gov/contracts";
import { creditCodeCheckCharacter } from "@gov/identifiers";
import { serviceTestApp, type TestCaller } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { creditModule } from "../module.ts";

/**
 * Who may do what on credit's routes: every route × every role × (the caller's own record / another subject's /
 * a token lacking the claim the rule needs) → status, pinned in one table. Separation of duties
 * (GB/T 22239-2019; docs/service-kit.md): casework is `credit-admin`'s, `admin` keeps erasure (个人信息保护法
 * 第四十七条), the scheduler (with `system`) and reading; `auditor` only reads.
 */
useBackend("sqlite", "credit access table (sqlite)", true);

const CODE = `91330106MA2H3K7P1${creditCodeCheckCharacter("91330106MA2H3K7P1")}`;
const OTHER = `O91330106MA2K5N9R4${creditCodeCheckCharacter("91330106MA2K5N9R4")}`;
const S = `O${CODE}`;
const market = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };
const entry = `/credit/subjects/${S}/listings/NOPE`;

type Variant = "own" | "other" | "claim missing";
interface RouteCase {
  route: string;
  method: "GET" | "POST";
  url: string;
  body?: unknown;
  /** Roles admitted whatever the subject (staff). */
  staff: readonly Role[];
  /** An applicant is admitted for its own record only. */
  applicantOwn?: boolean;
  public?: boolean;
  /** The answer once admitted: with the fixtures below, each route's deterministic status. */
  admitted: number;
}

const readers: Role[] = [
  "window-clerk",
  "officer",
  "regulator",
  "credit-admin",
  "auditor",
  "admin",
  "system",
];
const table: RouteCase[] = [
  {
    route: "POST /credit/subjects (again: nothing new)",
    method: "POST",
    url: "/credit/subjects",
    body: { kind: "organisation", creditCode: CODE, name: "杭州示例餐饮管理有限公司" },
    staff: ["credit-admin"],
    admitted: 200,
  },
  {
    route: "POST /credit/lookup",
    method: "POST",
    url: "/credit/lookup",
    body: { creditCode: CODE, purpose: "受理审查" },
    staff: readers,
    applicantOwn: true,
    admitted: 200,
  },
  {
    route: "GET /credit/subjects/{id}",
    method: "GET",
    url: `/credit/subjects/${S}`,
    staff: readers,
    applicantOwn: true,
    admitted: 200,
  },
  {
    route: "GET /credit/subjects/{id}/history",
    method: "GET",
    url: `/credit/subjects/${S}/history`,
    staff: ["credit-admin", "admin", "auditor", "regulator"],
    applicantOwn: true,
    admitted: 200,
  },
  {
    route: "GET /credit/subjects/{id}/lookups",
    method: "GET",
    url: `/credit/subjects/${S}/lookups`,
    staff: ["credit-admin", "auditor"],
    admitted: 200,
  },
  {
    route: "POST /credit/subjects/{id}/listings (an id taken: 409)",
    method: "POST",
    url: `/credit/subjects/${S}/listings`,
    body: {
      listingId: "L1",
      list: "black",
      severity: "serious",
      issuingDepartment: market,
      legalBasis: "《中华人民共和国食品安全法》第一百三十五条",
      reason: "被吊销食品经营许可证",
    },
    staff: ["credit-admin"],
    admitted: 409,
  },
  {
    route: "POST …/objection (no such entry: 404)",
    method: "POST",
    url: `${entry}/objection`,
    body: { grounds: "许可证系依法注销" },
    staff: ["credit-admin"],
    applicantOwn: true,
    admitted: 404,
  },
  {
    route: "POST …/objection/decision",
    method: "POST",
    url: `${entry}/objection/decision`,
    body: { upheld: false, reasons: "经核查" },
    staff: ["credit-admin"],
    admitted: 404,
  },
  {
    route: "POST …/repair",
    method: "POST",
    url: `${entry}/repair`,
    body: { dutiesPerformed: ["已缴清罚款"], creditPromise: true },
    staff: ["credit-admin"],
    applicantOwn: true,
    admitted: 404,
  },
  {
    route: "POST …/repair/decision",
    method: "POST",
    url: `${entry}/repair/decision`,
    body: { approved: true, reasons: "已履行" },
    staff: ["credit-admin"],
    admitted: 404,
  },
  {
    route: "POST …/removal",
    method: "POST",
    url: `${entry}/removal`,
    body: { rectification: ["已补报年度报告"] },
    staff: ["credit-admin"],
    applicantOwn: true,
    admitted: 404,
  },
  {
    route: "POST …/removal/decision",
    method: "POST",
    url: `${entry}/removal/decision`,
    body: { approved: true, reasons: "已补报" },
    staff: ["credit-admin"],
    admitted: 404,
  },
  {
    route: "POST …/withdraw",
    method: "POST",
    url: `${entry}/withdraw`,
    body: { reason: "更正" },
    staff: ["credit-admin"],
    admitted: 404,
  },
  {
    route: "POST /credit/subjects/{id}/erasure (an organisation: 409)",
    method: "POST",
    url: `/credit/subjects/${S}/erasure`,
    body: { request: "删除请求 2026-001" },
    staff: ["admin"],
    admitted: 409,
  },
  ...(["red", "black", "abnormal-operation"] as const).map(
    (list): RouteCase => ({
      route: `GET /credit/lists/${list}`,
      method: "GET",
      url: `/credit/lists/${list}`,
      staff: [],
      public: true,
      admitted: 200,
    }),
  ),
  {
    route: "GET /credit/measures",
    method: "GET",
    url: "/credit/measures",
    staff: [],
    public: true,
    admitted: 200,
  },
  {
    route: "POST /credit/scheduler/run",
    method: "POST",
    url: "/credit/scheduler/run",
    body: {},
    staff: ["admin", "system"],
    admitted: 200,
  },
];

/** The caller of a variant: an applicant is the subject S or another subject; staff carry office claims. */
function caller(role: Role, variant: Variant): TestCaller {
  if (variant === "claim missing") return { role, sub: "" };
  if (role === "applicant") return { role, sub: variant === "own" ? S : OTHER };
  return variant === "own"
    ? { role, sub: `${role}-1`, region: "330106", department: market.creditCode }
    : { role, sub: `${role}-2`, region: "110101", department: "11110000000013127D" };
}

/** The access rule the table pins. */
function expected(c: RouteCase, role: Role | "anonymous", variant: Variant): number {
  if (c.public) return c.admitted;
  // No token, or a token without its subject (`sub`): nobody can tell whose record it would be.
  if (role === "anonymous" || variant === "claim missing") return 401;
  if (c.staff.includes(role)) return c.admitted;
  if (role === "applicant" && c.applicantOwn) return variant === "own" ? c.admitted : 403;
  return 403;
}

const variants: Variant[] = ["own", "other", "claim missing"];
const cases = table.flatMap((c) => [
  ...roles.flatMap((role) =>
    variants.map((variant) => ({
      c,
      role: role as Role | "anonymous",
      variant,
      status: expected(c, role, variant),
    })),
  ),
  { c, role: "anonymous" as const, variant: "own" as Variant, status: expected(c, "anonymous", "own") },
]);

const start = () =>
  serviceTestApp((deps) => creditModule(deps, { schedulerIntervalMs: 0, lookupsPerMinute: 1000 }));
let h: Awaited<ReturnType<typeof start>>;
beforeAll(async () => {
  h = await start();
  const admin = "credit-admin" as const;
  const register = await h.request({
    method: "POST",
    url: "/credit/subjects",
    as: admin,
    body: table[0]?.body,
  });
  expect(register.statusCode).toBe(201);
  const listing = await h.request({
    method: "POST",
    url: table[5]?.url ?? "",
    as: admin,
    body: table[5]?.body,
  });
  expect(listing.statusCode).toBe(201);
  await vi.waitFor(async () => expect((await h.module.registry.get(S))?.listings).toHaveLength(1), {
    timeout: 10_000,
  });
});
afterAll(async () => {
  await h.dispose();
});

describe("credit access: every route × role × (own / other subject / claim missing) → status", () => {
  it("the table covers every route the module declares (its OpenAPI description)", async () => {
    const doc = (await h.request({ method: "GET", url: "/openapi.json" })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const declared = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith("/credit"))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const pinned = [
      ...new Set(
        table.map(
          (c) =>
            `${c.method} ${c.url
              .replace(S, "{subjectId}")
              .replace("/NOPE", "/{listingId}")
              .replace(/\/lists\/[a-z-]+$/, "/lists/{list}")}`,
        ),
      ),
    ].sort();
    expect(declared).toEqual(pinned);
  });

  it.each(cases)("$c.route as $role ($variant) → $status", async ({ c, role, variant, status }) => {
    const request = {
      method: c.method,
      url: c.url,
      ...(role === "anonymous" ? {} : { as: caller(role, variant) }),
      ...(c.body === undefined ? {} : { body: c.body }),
    };
    if (status >= 400) {
      await h.when(request).thenRefused(status);
    } else {
      const response = await h.request(request);
      expect(response.statusCode, response.body).toBe(status);
    }
  });
});
