import { type Role, roles } from "@gov/contracts";
import type { CommandContext } from "@gov/eventsourcing";
import { serviceTestApp } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { departmentCode, validElements } from "../domain/matter/fixtures.ts";
import { mattersModule } from "../module.ts";

useBackend("sqlite", "matters authorization table (sqlite)", true);

/**
 * Who may call which matters route: every route × every role × the token's `department` claim (the department the
 * rule is about, another one, none) → the status. It pins the access docs/matters.md describes, with the
 * separation of duties of docs/service-kit.md (GB/T 22239-2019 安全管理中心): `admin` administers the catalog and
 * the calendar but does no department's casework (认领, confirming a transfer are the department's officer's),
 * and a rule that needs a claim the token lacks refuses it (403, fail closed).
 */

const OWN = departmentCode(); // the matters' implementing department (and a transfer's receiving one)
const OTHER = departmentCode("11440200MB2C09999");
const ownElements = validElements();
const otherElements = validElements({
  implementingDepartment: { creditCode: OTHER, name: "韶关市某局", nature: "statutory-organ" },
  implementationCode: `${OTHER}3${ownElements.basicCode}`,
});
const tax = (() => {
  const code = departmentCode("11440200MB2C05555");
  return validElements({
    name: "发票申领",
    caseKind: "on-the-spot",
    promisedTimeLimitDays: 0,
    processSteps: [{ name: "受理" }],
    onlineDepth: 4,
    onSiteVisits: 0,
    implementingDepartment: { creditCode: code, name: "税务局", nature: "statutory-organ" },
    implementationCode: `${code}3${ownElements.basicCode}`,
  });
})();
/** TEST DATA, not a real city's figure. */
const baseline = {
  count: 40,
  asOf: "2018-06-30",
  source: { title: "测试市政务服务事项申请材料清单（测试数据）", number: "测试〔2018〕1号" },
};

type Scope = "own" | "other" | "missing";
type Caller = { role: Role; scope: Scope } | "anonymous";
interface Prepared {
  url: string;
  body?: unknown;
}
interface RouteCase {
  route: string;
  method: "GET" | "POST" | "PUT";
  /** Makes what the request needs (a fresh matter in the right state, …); `n` is unique per case. */
  prepare: (n: number) => Promise<Prepared>;
  /** The status for a caller allowed by the rule. */
  ok: number;
  /** Who is allowed: everyone (public), a role whatever its claims, or a department's officer. */
  who: "everyone" | "admin" | "own-officer";
}

let h: Awaited<ReturnType<typeof start>>;
const start = () => serviceTestApp((deps) => mattersModule(deps));
const admin = (): CommandContext => ({ now: h.clock.now(), actor: { id: "admin-1", role: "admin" } });
const officerOf = (department: string): CommandContext => ({
  now: h.clock.now(),
  actor: { id: "officer-1", role: "officer", department },
});

/** A fresh matter of `elements`, taken as far as `until`. */
async function matter(
  n: number,
  until: "draft" | "claimed" | "published" | "suspended" | "transfer-to-own",
): Promise<string> {
  const { matters } = h.module.commands;
  const matterId = `m${n}`;
  const elements = until === "transfer-to-own" ? otherElements : ownElements;
  await matters.handle(matterId, { type: "DraftMatter", data: { matterId, elements } }, admin());
  if (until === "draft") return matterId;
  const department = elements.implementingDepartment.creditCode;
  await matters.handle(matterId, { type: "ClaimMatter", data: {} }, officerOf(department));
  if (until === "claimed") return matterId;
  await matters.handle(matterId, { type: "PublishMatter", data: {} }, admin());
  if (until === "suspended")
    await matters.handle(matterId, { type: "SuspendMatter", data: { reason: "整改" } }, admin());
  if (until === "transfer-to-own")
    await matters.handle(
      matterId,
      {
        type: "RequestTransfer",
        data: { to: { creditCode: OWN, name: "韶关市市场监督管理局" }, reason: "机构改革" },
      },
      admin(),
    );
  return matterId;
}

const bundleBody = (bundleId: string) => ({
  bundleId,
  name: "企业开办",
  leadDepartment: { creditCode: OWN, name: "韶关市市场监督管理局" },
  matterIds: ["food", "invoice"],
});

const table: RouteCase[] = [
  // reads: the published catalog, bundles, KPIs and the calendar are public
  {
    route: "GET /matters/",
    method: "GET",
    who: "everyone",
    ok: 200,
    prepare: async () => ({ url: "/matters/" }),
  },
  {
    route: "GET /matters/{id}",
    method: "GET",
    who: "everyone",
    ok: 200,
    prepare: async () => ({ url: "/matters/food" }),
  },
  {
    route: "GET /matters/{id}/versions",
    method: "GET",
    who: "everyone",
    ok: 200,
    prepare: async () => ({ url: "/matters/food/versions" }),
  },
  {
    route: "GET /matters/{id}/versions/{v}",
    method: "GET",
    who: "everyone",
    ok: 200,
    prepare: async () => ({ url: "/matters/food/versions/1" }),
  },
  {
    route: "GET /matters/kpis",
    method: "GET",
    who: "everyone",
    ok: 200,
    prepare: async () => ({ url: "/matters/kpis" }),
  },
  {
    route: "GET /matters/bundles",
    method: "GET",
    who: "everyone",
    ok: 200,
    prepare: async () => ({ url: "/matters/bundles" }),
  },
  {
    route: "GET /matters/bundles/{id}",
    method: "GET",
    who: "everyone",
    ok: 200,
    prepare: async () => ({ url: "/matters/bundles/startup" }),
  },
  {
    route: "GET /matters/calendar",
    method: "GET",
    who: "everyone",
    ok: 200,
    prepare: async () => ({ url: "/matters/calendar" }),
  },
  {
    route: "GET /matters/calendar/{year}",
    method: "GET",
    who: "everyone",
    ok: 200,
    prepare: async () => ({ url: "/matters/calendar/2026" }),
  },
  // the catalog's administration: admin, whatever department its token names
  {
    route: "POST /matters/",
    method: "POST",
    who: "admin",
    ok: 201,
    prepare: async (n) => ({ url: "/matters/", body: { matterId: `m${n}`, elements: ownElements } }),
  },
  {
    route: "PUT /matters/{id}/draft",
    method: "PUT",
    who: "admin",
    ok: 200,
    prepare: async (n) => ({
      url: `/matters/${await matter(n, "draft")}/draft`,
      body: { elements: { ...ownElements, name: "食品经营许可（修订）" } },
    }),
  },
  {
    route: "POST /matters/{id}/publish",
    method: "POST",
    who: "admin",
    ok: 200,
    prepare: async (n) => ({ url: `/matters/${await matter(n, "claimed")}/publish`, body: {} }),
  },
  {
    route: "POST /matters/{id}/suspend",
    method: "POST",
    who: "admin",
    ok: 200,
    prepare: async (n) => ({
      url: `/matters/${await matter(n, "published")}/suspend`,
      body: { reason: "整改" },
    }),
  },
  {
    route: "POST /matters/{id}/resume",
    method: "POST",
    who: "admin",
    ok: 200,
    prepare: async (n) => ({ url: `/matters/${await matter(n, "suspended")}/resume` }),
  },
  {
    route: "POST /matters/{id}/retire",
    method: "POST",
    who: "admin",
    ok: 200,
    prepare: async (n) => ({
      url: `/matters/${await matter(n, "published")}/retire`,
      body: { reason: "取消" },
    }),
  },
  {
    route: "POST /matters/{id}/transfer",
    method: "POST",
    who: "admin",
    ok: 200,
    prepare: async (n) => ({
      url: `/matters/${await matter(n, "published")}/transfer`,
      body: { to: { creditCode: OTHER, name: "韶关市某局" }, reason: "机构改革" },
    }),
  },
  {
    route: "POST /matters/{id}/transfer/cancel",
    method: "POST",
    who: "admin",
    ok: 200,
    prepare: async (n) => ({
      url: `/matters/${await matter(n, "transfer-to-own")}/transfer/cancel`,
      body: { reason: "撤回" },
    }),
  },
  {
    route: "POST /matters/bundles",
    method: "POST",
    who: "admin",
    ok: 201,
    prepare: async (n) => ({ url: "/matters/bundles", body: bundleBody(`b${n}`) }),
  },
  {
    route: "POST /matters/bundles/{id}/retire",
    method: "POST",
    who: "admin",
    ok: 200,
    prepare: async (n) => {
      await h.module.commands.defineBundle(bundleBody(`b${n}`), admin());
      return { url: `/matters/bundles/b${n}/retire`, body: { reason: "合并" } };
    },
  },
  {
    route: "PUT /matters/kpis/materials-baseline",
    method: "PUT",
    who: "admin",
    ok: 200,
    prepare: async () => ({ url: "/matters/kpis/materials-baseline", body: baseline }),
  },
  {
    route: "PUT /matters/calendar/{year}",
    method: "PUT",
    who: "admin",
    ok: 201,
    // TEST DATA: a year far ahead with one invented holiday, not a State Council notice
    prepare: async (n) => {
      const year = 2030 + (n % 70); // the 28 callers of this route get different years
      return {
        url: `/matters/calendar/${year}`,
        body: {
          holidays: [`${year}-01-01`],
          makeUpWorkdays: [],
          notice: { title: "测试数据：节假日安排（非真实通知）", number: `TEST〔${year}〕1号` },
        },
      };
    },
  },
  // a department's casework: its own officer only (not admin, not another department, not a token without one)
  {
    route: "POST /matters/{id}/claim",
    method: "POST",
    who: "own-officer",
    ok: 200,
    prepare: async (n) => ({ url: `/matters/${await matter(n, "draft")}/claim` }),
  },
  {
    route: "POST /matters/{id}/transfer/confirm",
    method: "POST",
    who: "own-officer",
    ok: 200,
    prepare: async (n) => ({ url: `/matters/${await matter(n, "transfer-to-own")}/transfer/confirm` }),
  },
];

const callers: Caller[] = [
  "anonymous",
  ...roles.flatMap((role) => (["own", "other", "missing"] as const).map((scope) => ({ role, scope }))),
];

function expected(route: RouteCase, caller: Caller): number {
  if (route.who === "everyone") return route.ok;
  if (caller === "anonymous") return 401;
  if (route.who === "admin") return caller.role === "admin" ? route.ok : 403;
  return caller.role === "officer" && caller.scope === "own" ? route.ok : 403;
}

const cases = table.flatMap((route) =>
  callers.map((caller) => ({
    route,
    caller,
    name: `${route.route} as ${caller === "anonymous" ? "no token" : `${caller.role} (${caller.scope} department)`}`,
    status: expected(route, caller),
  })),
);

describe("matters authorization: every route × role × department claim → status", () => {
  let n = 0;
  beforeAll(async () => {
    h = await start();
    await h.module.calendar.seeded();
    const { matters } = h.module.commands;
    let position = "";
    for (const [matterId, elements] of [
      ["food", ownElements],
      ["invoice", tax],
    ] as const) {
      await matters.handle(matterId, { type: "DraftMatter", data: { matterId, elements } }, admin());
      await matters.handle(
        matterId,
        { type: "ClaimMatter", data: {} },
        officerOf(elements.implementingDepartment.creditCode),
      );
      position =
        (await matters.handle(matterId, { type: "PublishMatter", data: {} }, admin())).position ?? "";
    }
    // the bundle command reads the members' published versions from the catalog: let it catch up
    const caughtUp = (at: string) =>
      h.request({ method: "GET", url: "/matters/kpis", headers: { "min-log-position": at } });
    expect((await caughtUp(position)).statusCode).toBe(200);
    const defined = await h.module.commands.defineBundle(bundleBody("startup"), admin());
    expect((await caughtUp(defined.position ?? "")).statusCode).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await h?.dispose();
  });

  it.each(cases)("$name → $status", async ({ route, caller, status }) => {
    const { url, body } = await route.prepare(++n);
    const as =
      caller === "anonymous"
        ? undefined
        : {
            role: caller.role,
            ...(caller.scope === "missing" ? {} : { department: caller.scope === "own" ? OWN : OTHER }),
          };
    const response = await h.request({
      method: route.method,
      url,
      ...(as ? { as } : {}),
      ...(body === undefined ? {} : { body }),
    });
    expect(response.statusCode, response.body).toBe(status);
  });
});
