import { mattersEventTypes as t } from "@gov/contracts";
import { serviceTestApp } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { departmentCode, validElements } from "../domain/matter/fixtures.ts";
import { mattersModule } from "../module.ts";
import { summaryOf } from "../read-models/catalog.ts";
import { rebuildCatalog } from "../read-models/catalog-projection.ts";

useBackend("sqlite", "matters HTTP API (sqlite)", true);

let h: Awaited<ReturnType<typeof start>>;
// No calendar seed: these tests compare the events a request appends.
const start = () => serviceTestApp((deps) => mattersModule(deps, { seedCalendar: false }));
const elements = validElements();
const dept = elements.implementingDepartment.creditCode;
const officer = { role: "officer" as const, department: dept };
const draft = (matterId = "food", as: "admin" | "applicant" = "admin") =>
  h.when({ method: "POST", url: "/matters", as, body: { matterId, elements } });

beforeEach(async () => {
  h = await start();
});
afterEach(async () => {
  await h.dispose();
});

describe("matters API: draft → 认领 → publish, then everyone reads the published version", () => {
  it("drafts, claims and publishes a matter, which everyone can then read with every element", async () => {
    const drafted = await draft().thenAppended(201, t.MatterDrafted);
    expect(drafted.body).toEqual({
      id: "food",
      revision: 0,
      events: [{ type: "MatterDrafted" }],
      replayed: false,
      position: drafted.events[0]?.position,
    });
    expect(drafted.response.headers.etag).toBe('"0"');
    expect(drafted.response.headers["log-position"]).toBe(drafted.events[0]?.position);
    await h
      .when({ method: "POST", url: "/matters/food/claim", as: officer })
      .thenAppended(200, t.MatterClaimed);
    const published = await h
      .when({ method: "POST", url: "/matters/food/publish", as: "admin", body: {} })
      .thenAppended(200, t.MatterPublished);
    expect(published.body).toMatchObject({ id: "food", revision: 2, events: [{ type: "MatterPublished" }] });

    // Read your own writes: a read that sends the reply's position waits for the catalog to reach it.
    const position = published.response.headers["log-position"];
    expect(typeof position).toBe("string");
    const read = await h.request({
      method: "GET",
      url: "/matters/food",
      headers: { "min-log-position": String(position) },
    });
    expect(read.json().status).toBe("published");
    const v1 = await h.request({ method: "GET", url: "/matters/food/versions/1" });
    expect(v1.json().elements).toEqual(elements);
    const search = await h.request({ method: "GET", url: "/matters?type=01&text=食品" });
    expect(search.json().map((m: { matterId: string }) => m.matterId)).toEqual(["food"]);
    expect((await h.request({ method: "GET", url: "/matters/kpis" })).json().overall.mattersInForce).toBe(1);
  });

  it("rejects elements that break the rules with 400 naming each field, and stores nothing", async () => {
    const bad = { ...elements, promisedTimeLimitDays: 30, allowsAutoApproval: true, basicCode: "12" };
    await h
      .when({ method: "POST", url: "/matters", as: "admin", body: { matterId: "food", elements: bad } })
      .thenRefused(400, [
        "body.elements.promisedTimeLimitDays",
        "body.elements.allowsAutoApproval",
        "body.elements.basicCode",
      ]);
    await h
      .when({
        method: "POST",
        url: "/matters",
        as: "admin",
        body: { matterId: "food", elements: { ...elements, type: "02", onlineDepth: 7 } },
      })
      .thenRefused(400, ["body.elements.type", "body.elements.onlineDepth"]);
    expect(await h.newEvents()).toEqual([]);
  });

  it("answers 404 for an unknown matter, 409 for a command the state does not allow, 403 for the wrong role or department", async () => {
    expect((await h.request({ method: "GET", url: "/matters/nothing" })).statusCode).toBe(404);
    await h.when({ method: "POST", url: "/matters/nothing/publish", as: "admin", body: {} }).thenRefused(404);
    await draft().thenAppended(201, t.MatterDrafted);
    const early = await h
      .when({ method: "POST", url: "/matters/food/publish", as: "admin", body: {} })
      .thenRefused(409);
    expect((early.body as { detail: string }).detail).toMatch(/认领/);
    await draft("x", "applicant").thenRefused(403);
    await h
      .when({
        method: "POST",
        url: "/matters/food/claim",
        as: { role: "officer", department: departmentCode("11440200MB2C09999") },
      })
      .thenRefused(403);
    await draft().thenRefused(409);
  });

  it("replays a repeated Idempotency-Key instead of acting twice", async () => {
    const headers = { "idempotency-key": "draft-food-1" };
    const request = {
      method: "POST",
      url: "/matters",
      as: "admin",
      headers,
      body: { matterId: "food", elements },
    } as const;
    const first = await h.when(request).thenAppended(201, t.MatterDrafted);
    const again = await h.when(request).thenAppended(201);
    expect(again.body).toEqual({ ...(first.body as object), replayed: true });
    expect(await h.newEvents()).toHaveLength(1);
  });

  it("refuses an ID number or a mobile number in a reason with 400 naming the field, storing nothing (个人信息保护法 第五十一条)", async () => {
    await draft().thenAppended(201, t.MatterDrafted);
    const id = "身份证 110105 19491231 002X";
    await h
      .when({
        method: "POST",
        url: "/matters/food/suspend",
        as: "admin",
        body: { reason: `联系人电话13800138000` },
      })
      .thenRefused(400, ["body.reason"]);
    await h
      .when({
        method: "POST",
        url: "/matters/food/transfer",
        as: "admin",
        body: { to: { creditCode: departmentCode("11440200MB2C05555"), name: "税务局" }, reason: id },
      })
      .thenRefused(400, ["body.reason"]);
    await h
      .when({ method: "POST", url: "/matters/bundles/startup/retire", as: "admin", body: { reason: id } })
      .thenRefused(400, ["body.reason"]);
    const baseline = {
      count: 4,
      asOf: "2018-06-30",
      source: { title: "测试清单" },
      reason: "经办人 13800138000",
    };
    await h
      .when({ method: "PUT", url: "/matters/kpis/materials-baseline", as: "admin", body: baseline })
      .thenRefused(400, ["body.reason"]);
    const refused = await h.request({
      method: "POST",
      url: "/matters/food/retire",
      as: "admin",
      body: { reason: "１３８００１３８０００" },
    });
    expect(refused.statusCode).toBe(400);
    // The refusal says what kind of data it was and where it belongs, never echoing the number.
    expect(refused.body).toMatch(/mobile number/);
    expect(refused.body).not.toMatch(/13800138000|１３８/);
    expect(await h.newEvents()).toHaveLength(1);
  });

  it("keeps the live catalog equal to a rebuild from the log", async () => {
    await draft().thenAppended(201, t.MatterDrafted);
    await h
      .when({ method: "POST", url: "/matters/food/claim", as: officer })
      .thenAppended(200, t.MatterClaimed);
    const published = await h
      .when({ method: "POST", url: "/matters/food/publish", as: "admin", body: {} })
      .thenAppended(200, t.MatterPublished);
    const live = (
      await h.request({
        method: "GET",
        url: "/matters/food",
        headers: { "min-log-position": String(published.response.headers["log-position"]) },
      })
    ).json();
    expect(live.status).toBe("published");
    const rebuilt = (await rebuildCatalog(h.store)).get("food");
    expect(rebuilt && summaryOf(rebuilt)).toEqual(live);
  });
});

describe("matters API: 一件事 bundles of published matters", () => {
  const taxCode = departmentCode("11440200MB2C05555");
  const tax = validElements({
    name: "发票申领",
    caseKind: "on-the-spot",
    promisedTimeLimitDays: 0,
    processSteps: [{ name: "受理" }],
    onlineDepth: 4,
    onSiteVisits: 0,
    implementingDepartment: { creditCode: taxCode, name: "税务局", nature: "statutory-organ" },
    implementationCode: `${taxCode}3${elements.basicCode}`,
  });
  const bundle = {
    bundleId: "startup",
    name: "企业开办",
    leadDepartment: { creditCode: dept, name: "市场监管局" },
    matterIds: ["food", "invoice"],
  };

  /** Publishes both matters and waits until the catalog (which the bundle command reads) shows them. */
  async function publishBoth() {
    let position = "";
    for (const [matterId, e] of [
      ["food", elements],
      ["invoice", tax],
    ] as const) {
      await h
        .when({ method: "POST", url: "/matters", as: "admin", body: { matterId, elements: e } })
        .thenAppended(201, t.MatterDrafted);
      await h
        .when({
          method: "POST",
          url: `/matters/${matterId}/claim`,
          as: { role: "officer", department: e.implementingDepartment.creditCode },
        })
        .thenAppended(200, t.MatterClaimed);
      const published = await h
        .when({ method: "POST", url: `/matters/${matterId}/publish`, as: "admin", body: {} })
        .thenAppended(200, t.MatterPublished);
      position = String(published.response.headers["log-position"]);
    }
    // The bundle reads the matters' versions from the catalog: let it catch up first.
    await h.request({ method: "GET", url: "/matters/kpis", headers: { "min-log-position": position } });
  }

  it("defines a bundle from the matters' published versions and retires it; a matter without one is 404", async () => {
    await h.when({ method: "POST", url: "/matters/bundles", as: "admin", body: bundle }).thenRefused(404);
    await publishBoth();
    const defined = await h
      .when({ method: "POST", url: "/matters/bundles", as: "admin", body: bundle })
      .thenAppended(201, { type: t.BundlePublished, subject: "bundle-startup", source: "gov.matters" });
    expect(defined.body).toMatchObject({ id: "startup", revision: 0, events: [{ type: "BundlePublished" }] });
    await h
      .when({ method: "POST", url: "/matters/bundles/startup/retire", as: "admin", body: { reason: "合并" } })
      .thenAppended(200, t.BundleRetired);
    await h
      .when({ method: "POST", url: "/matters/bundles/startup/retire", as: "admin", body: { reason: "合并" } })
      .thenRefused(409);
  });

  it("refuses dependencies outside the bundle or forming a cycle with 400 naming the field, storing nothing; takes valid ones and leaves the produced material off the list", async () => {
    await publishBoth();
    const define = (dependencies: { matterId: string; materialId: string; producedBy: string }[]) =>
      h.when({ method: "POST", url: "/matters/bundles", as: "admin", body: { ...bundle, dependencies } });
    await define([
      { matterId: "elsewhere", materialId: "M01", producedBy: "invoice" },
      { matterId: "food", materialId: "M99", producedBy: "invoice" },
      { matterId: "food", materialId: "M01", producedBy: "elsewhere" },
    ]).thenRefused(400, [
      "body.dependencies[0].matterId",
      "body.dependencies[1].materialId",
      "body.dependencies[2].producedBy",
    ]);
    // 2-cycle: each matter's application form would be the other's result, so neither could start
    await define([
      { matterId: "food", materialId: "M01", producedBy: "invoice" },
      { matterId: "invoice", materialId: "M01", producedBy: "food" },
    ]).thenRefused(400, ["body.dependencies"]); // thenRefused also checks nothing was stored

    const defined = await define([
      { matterId: "food", materialId: "M01", producedBy: "invoice" },
    ]).thenAppended(201, t.BundlePublished);
    const read = (
      await h.request({
        method: "GET",
        url: "/matters/bundles/startup",
        headers: { "min-log-position": String(defined.response.headers["log-position"]) },
      })
    ).json();
    expect(read.data.dependencies).toEqual([{ matterId: "food", materialId: "M01", producedBy: "invoice" }]);
    expect(read.data.materials.flatMap((m: { satisfies: unknown[] }) => m.satisfies)).not.toContainEqual({
      matterId: "food",
      materialId: "M01",
    });
  });
});

describe("matters API: KPIs the catalog is measured against (国办发〔2018〕45号: 材料减少60%以上)", () => {
  /** Test data, not a real city's figure. */
  const baseline = {
    count: 4,
    asOf: "2018-06-30",
    source: { title: "测试市政务服务事项申请材料清单（2018年版，测试数据）", number: "测试〔2018〕1号" },
  };
  const put = (body: unknown, as: "admin" | "applicant" = "admin") =>
    h.when({ method: "PUT", url: "/matters/kpis/materials-baseline", as, body });
  const kpis = async (position?: unknown) =>
    (
      await h.request({
        method: "GET",
        url: "/matters/kpis",
        ...(position ? { headers: { "min-log-position": String(position) } } : {}),
      })
    ).json();

  it("shows materials reduced only once a baseline is recorded, and says 一窗分类受理率 is intake's figure", async () => {
    const before = await kpis();
    expect(before.materialsReduced).toMatchObject({ baseline: null, rate: null, met: null });
    expect(before.materialsReduced.note).toMatch(/PUT \/matters\/kpis\/materials-baseline/);
    expect(before.integratedWindowIntake).toEqual({
      available: false,
      computedBy: "intake",
      href: "/intake/kpis",
      note: "unavailable here: computed by intake at GET /intake/kpis",
    });

    // one matter in force: 3 materials listed, 营业执照 issued by a department (not asked), 2 still asked
    await draft().thenAppended(201, t.MatterDrafted);
    await h
      .when({ method: "POST", url: "/matters/food/claim", as: officer })
      .thenAppended(200, t.MatterClaimed);
    await h
      .when({ method: "POST", url: "/matters/food/publish", as: "admin", body: {} })
      .thenAppended(200, t.MatterPublished);
    const recorded = await put(baseline).thenAppended(200, {
      type: t.BaselineRecorded,
      subject: "baseline-materials-asked",
      source: "gov.matters",
    });
    expect(recorded.body).toMatchObject({ id: "materials-asked", events: [{ type: "BaselineRecorded" }] });
    const { materialsReduced } = await kpis(recorded.response.headers["log-position"]);
    expect(materialsReduced).toMatchObject({
      listed: 3,
      notAsked: { total: 1, government: 1, certificate: 0, producedInBundle: 0 },
      asked: 2,
      baseline: { ...baseline, measure: "materials-asked", version: 1 },
      count: 2,
      total: 4,
      rate: 0.5,
      target: { op: ">=", value: 0.6 },
      met: false,
    });

    // the same figure again stores nothing; a different one is a correction that says why
    expect((await put(baseline).thenAppended(200)).body).toMatchObject({ events: [] });
    await put({ ...baseline, count: 5 }).thenRefused(400, ["body.reason"]);
    const corrected = await put({ ...baseline, count: 5, reason: "漏计了一个部门的材料" }).thenAppended(
      200,
      t.BaselineRecorded,
    );
    const after = (await kpis(corrected.response.headers["log-position"])).materialsReduced;
    expect(after).toMatchObject({ baseline: { version: 2, supersedesVersion: 1 }, rate: 0.6, met: true });
  });

  it("refuses a bad baseline with 400 naming each field, a date not yet come, and anyone but an admin", async () => {
    await put({ count: 0, asOf: "2018-13-01", source: { title: "" } }).thenRefused(400, [
      "body.count",
      "body.asOf",
      "body.source.title",
    ]);
    await put({ ...baseline, asOf: "2999-01-01" }).thenRefused(400, ["body.asOf"]);
    await put(baseline, "applicant").thenRefused(403);
  });

  it("keeps the baseline in the catalog a rebuild from the log gives", async () => {
    const recorded = await put(baseline).thenAppended(200, t.BaselineRecorded);
    await kpis(recorded.response.headers["log-position"]);
    expect((await rebuildCatalog(h.store)).baseline("materials-asked")).toMatchObject({
      ...baseline,
      version: 1,
    });
  });
});

describe("matters API: lists come in pages (?limit=&after=, a next-cursor and a link header)", () => {
  const publish = async (matterId: string) => {
    await draft(matterId).thenAppended(201, t.MatterDrafted);
    await h
      .when({ method: "POST", url: `/matters/${matterId}/claim`, as: officer })
      .thenAppended(200, t.MatterClaimed);
    const published = await h
      .when({ method: "POST", url: `/matters/${matterId}/publish`, as: "admin", body: {} })
      .thenAppended(200, t.MatterPublished);
    return String(published.response.headers["log-position"]);
  };
  /** Follows the pages of `url` to the end: the ids of each page. */
  async function pages(url: string, id: (x: never) => string | number, position?: string) {
    const out: (string | number)[][] = [];
    let next: string | undefined = url;
    while (next) {
      const res = await h.request({
        method: "GET",
        url: next,
        ...(position ? { headers: { "min-log-position": position } } : {}),
      });
      expect(res.statusCode, res.body).toBe(200);
      out.push((res.json() as never[]).map(id));
      const cursor = res.headers["next-cursor"] as string | undefined;
      if (cursor) {
        expect(res.headers.link).toBe(
          `<${new URL(next, "http://x").pathname}?${new URLSearchParams({ ...Object.fromEntries(new URL(next, "http://x").searchParams), after: cursor })}>; rel="next"`,
        );
      } else expect(res.headers.link).toBeUndefined();
      next = cursor
        ? (res.headers.link as string).slice(1, (res.headers.link as string).indexOf(">"))
        : undefined;
    }
    return out;
  }

  it("pages the catalog search by matter id, filters kept across pages, the whole list by default", async () => {
    let position = "";
    for (const id of ["m-c", "m-a", "m-e", "m-b", "m-d"]) position = await publish(id);
    const byId = (m: { matterId: string }) => m.matterId;
    expect(await pages("/matters/?limit=2", byId as never, position)).toEqual([
      ["m-a", "m-b"],
      ["m-c", "m-d"],
      ["m-e"],
    ]);
    expect(await pages("/matters/?type=01&limit=3", byId as never)).toEqual([
      ["m-a", "m-b", "m-c"],
      ["m-d", "m-e"],
    ]);
    expect(await pages("/matters/", byId as never)).toEqual([["m-a", "m-b", "m-c", "m-d", "m-e"]]);
  });

  it("pages a matter's published versions, oldest first; GET /matters/{id} shows the current one, not the history", async () => {
    await publish("food");
    for (let v = 2; v <= 3; v++) {
      await h
        .when({ method: "PUT", url: "/matters/food/draft", as: "admin", body: { elements } })
        .thenAppended(200, t.MatterDrafted);
      await h
        .when({ method: "POST", url: "/matters/food/publish", as: "admin", body: {} })
        .thenAppended(200, t.MatterPublished);
    }
    const position = String((await h.newEvents()).at(-1)?.position);
    const byVersion = (v: { version: number }) => v.version;
    expect(await pages("/matters/food/versions?limit=2", byVersion as never, position)).toEqual([
      [1, 2],
      [3],
    ]);
    const food = (await h.request({ method: "GET", url: "/matters/food" })).json();
    expect(food.current.version).toBe(3);
    expect(food).not.toHaveProperty("versions");
    expect((await h.request({ method: "GET", url: "/matters/nothing/versions" })).statusCode).toBe(404);
  });

  it("pages the bundles by bundle id", async () => {
    const taxCode = departmentCode("11440200MB2C05555");
    const tax = validElements({
      name: "发票申领",
      caseKind: "on-the-spot",
      promisedTimeLimitDays: 0,
      processSteps: [{ name: "受理" }],
      onlineDepth: 4,
      onSiteVisits: 0,
      implementingDepartment: { creditCode: taxCode, name: "税务局", nature: "statutory-organ" },
      implementationCode: `${taxCode}3${elements.basicCode}`,
    });
    await publish("food");
    await h
      .when({ method: "POST", url: "/matters", as: "admin", body: { matterId: "invoice", elements: tax } })
      .thenAppended(201, t.MatterDrafted);
    await h
      .when({ method: "POST", url: "/matters/invoice/claim", as: { role: "officer", department: taxCode } })
      .thenAppended(200, t.MatterClaimed);
    const p = await h
      .when({ method: "POST", url: "/matters/invoice/publish", as: "admin", body: {} })
      .thenAppended(200, t.MatterPublished);
    await h.request({
      method: "GET",
      url: "/matters/kpis",
      headers: { "min-log-position": String(p.response.headers["log-position"]) },
    });
    let position = "";
    for (const bundleId of ["b3", "b1", "b2"]) {
      const body = {
        bundleId,
        name: "企业开办",
        leadDepartment: { creditCode: dept, name: "市场监管局" },
        matterIds: ["food", "invoice"],
      };
      const defined = await h
        .when({ method: "POST", url: "/matters/bundles", as: "admin", body })
        .thenAppended(201, t.BundlePublished);
      position = String(defined.response.headers["log-position"]);
    }
    const byId = (b: { bundleId: string }) => b.bundleId;
    expect(await pages("/matters/bundles?limit=2", byId as never, position)).toEqual([["b1", "b2"], ["b3"]]);
  });

  it("answers at most 50 items when no limit is asked, with a cursor to the rest", async () => {
    const { matters } = h.module.commands;
    const admin = { now: h.clock.now(), actor: { id: "admin-1", role: "admin" as const } };
    let position = "";
    for (let i = 0; i < 51; i++) {
      const matterId = `m${String(i).padStart(2, "0")}`;
      await matters.handle(matterId, { type: "DraftMatter", data: { matterId, elements } }, admin);
      await matters.handle(
        matterId,
        { type: "ClaimMatter", data: {} },
        { ...admin, actor: { id: "o-1", ...officer } },
      );
      position = (await matters.handle(matterId, { type: "PublishMatter", data: {} }, admin)).position ?? "";
    }
    const first = await h.request({
      method: "GET",
      url: "/matters/",
      headers: { "min-log-position": position },
    });
    expect(first.json()).toHaveLength(50);
    const rest = await h.request({ method: "GET", url: `/matters/?after=${first.headers["next-cursor"]}` });
    expect(rest.json().map((m: { matterId: string }) => m.matterId)).toEqual(["m50"]);
    expect(rest.headers["next-cursor"]).toBeUndefined();
  });

  // Fields are named as the service kit names a query string's (`query.limit`, docs/service-kit.md).
  it("bounds the page size (1–200, default 50) and refuses a cursor it did not give, naming the field", async () => {
    for (const url of [
      "/matters/?limit=201",
      "/matters/?limit=0",
      "/matters/bundles?limit=x",
      "/matters/food/versions?limit=-1",
    ])
      await h.when({ method: "GET", url }).thenRefused(400, ["query.limit"]);
    const notOurs = Buffer.from(JSON.stringify([1])).toString("base64url"); // a number where an id belongs
    for (const url of [
      `/matters/?after=${notOurs}`,
      "/matters/bundles?after=bm90LWEtY3Vyc29y",
      "/matters/food/versions?after=%25%25",
    ])
      await h.when({ method: "GET", url }).thenRefused(400, ["query.after"]);
  });
});
