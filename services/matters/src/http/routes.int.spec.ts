import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { type App, buildApp, createLogger, loadConfig, mintToken } from "@gov/service-kit";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { departmentCode, validElements } from "../domain/matter/fixtures.ts";
import { mattersModule } from "../module.ts";

useBackend("sqlite", "matters HTTP API (sqlite)", true);

let t: Awaited<ReturnType<typeof embeddedTestStore>>;
let app: App;
const elements = validElements();
const dept = elements.implementingDepartment.creditCode;
const token = (role: "admin" | "officer" | "applicant", department?: string) =>
  mintToken({ sub: `${role}-1`, role, ...(department ? { department } : {}) });
const as = async (role: "admin" | "officer" | "applicant", department?: string) => ({
  authorization: `Bearer ${await token(role, department)}`,
});

beforeEach(async () => {
  t = await embeddedTestStore();
  app = await buildApp({
    // No calendar seed: these tests compare the events a request appends.
    modules: [mattersModule({ store: t.store, seedCalendar: false })],
    config: loadConfig({ NODE_ENV: "test" }),
    logger: createLogger({ level: "silent", pretty: false }),
  });
});
afterEach(async () => {
  await app.close();
  for (const m of app.modules) await m.close?.();
  await t.dispose();
});

describe("matters API (domain brief §1)", () => {
  it("drafts, claims and publishes a matter, which everyone can then read with every element", async () => {
    const draft = await app.inject({
      method: "POST",
      url: "/matters",
      headers: await as("admin"),
      payload: { matterId: "food", elements },
    });
    expect(draft.statusCode).toBe(201);
    expect(draft.json()).toMatchObject({ id: "food", revision: 0, events: [{ type: "MatterDrafted" }] });
    const claim = await app.inject({
      method: "POST",
      url: "/matters/food/claim",
      headers: await as("officer", dept),
    });
    expect(claim.statusCode).toBe(200);
    const publish = await app.inject({
      method: "POST",
      url: "/matters/food/publish",
      headers: await as("admin"),
      payload: {},
    });
    expect(publish.statusCode).toBe(200);
    expect((await t.newEvents()).map((e) => e.type)).toEqual([
      "gov.matters.matter.drafted.v1",
      "gov.matters.matter.claimed.v1",
      "gov.matters.matter.published.v1",
    ]);
    await expect
      .poll(async () => (await app.inject({ method: "GET", url: "/matters/food" })).json().status)
      .toBe("published");
    const v1 = await app.inject({ method: "GET", url: "/matters/food/versions/1" });
    expect(v1.json().elements).toEqual(elements);
    const search = await app.inject({ method: "GET", url: "/matters?type=01&text=食品" });
    expect(search.json().map((m: { matterId: string }) => m.matterId)).toEqual(["food"]);
    expect((await app.inject({ method: "GET", url: "/matters/kpis" })).json().overall.mattersInForce).toBe(1);
  });

  it("rejects elements that break the rules with 400 naming each field, and stores nothing", async () => {
    const bad = { ...elements, promisedTimeLimitDays: 30, allowsAutoApproval: true, basicCode: "12" };
    const res = await app.inject({
      method: "POST",
      url: "/matters",
      headers: await as("admin"),
      payload: { matterId: "food", elements: bad },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        "body.elements.promisedTimeLimitDays",
        "body.elements.allowsAutoApproval",
        "body.elements.basicCode",
      ]),
    );
    const malformed = await app.inject({
      method: "POST",
      url: "/matters",
      headers: await as("admin"),
      payload: { matterId: "food", elements: { ...elements, type: "02", onlineDepth: 7 } },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(["body.elements.type", "body.elements.onlineDepth"]),
    );
    expect(await t.newEvents()).toEqual([]);
  });

  it("answers 404 for an unknown matter, 409 for a command the state does not allow, 403 for the wrong role or department", async () => {
    expect((await app.inject({ method: "GET", url: "/matters/nothing" })).statusCode).toBe(404);
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/matters/nothing/publish",
          headers: await as("admin"),
          payload: {},
        })
      ).statusCode,
    ).toBe(404);
    await app.inject({
      method: "POST",
      url: "/matters",
      headers: await as("admin"),
      payload: { matterId: "food", elements },
    });
    const early = await app.inject({
      method: "POST",
      url: "/matters/food/publish",
      headers: await as("admin"),
      payload: {},
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toMatch(/认领/);
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/matters",
          headers: await as("applicant"),
          payload: { matterId: "x", elements },
        })
      ).statusCode,
    ).toBe(403);
    const otherDept = await app.inject({
      method: "POST",
      url: "/matters/food/claim",
      headers: await as("officer", departmentCode("11440200MB2C09999")),
    });
    expect(otherDept.statusCode).toBe(403);
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/matters",
          headers: await as("admin"),
          payload: { matterId: "food", elements },
        })
      ).statusCode,
    ).toBe(409);
  });

  it("replays a repeated Idempotency-Key instead of acting twice", async () => {
    const headers = { ...(await as("admin")), "idempotency-key": "draft-food-1" };
    const first = await app.inject({
      method: "POST",
      url: "/matters",
      headers,
      payload: { matterId: "food", elements },
    });
    const again = await app.inject({
      method: "POST",
      url: "/matters",
      headers,
      payload: { matterId: "food", elements },
    });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().replayed).toBe(true);
    expect(await t.newEvents()).toHaveLength(1);
  });

  it("keeps the live catalog equal to a rebuild from the log", async () => {
    const { rebuildCatalog } = await import("../read-models/catalog-projection.ts");
    await app.inject({
      method: "POST",
      url: "/matters",
      headers: await as("admin"),
      payload: { matterId: "food", elements },
    });
    await app.inject({ method: "POST", url: "/matters/food/claim", headers: await as("officer", dept) });
    await app.inject({
      method: "POST",
      url: "/matters/food/publish",
      headers: await as("admin"),
      payload: {},
    });
    await expect
      .poll(async () => (await app.inject({ method: "GET", url: "/matters/food" })).json().status)
      .toBe("published");
    const live = (await app.inject({ method: "GET", url: "/matters/food" })).json();
    expect((await rebuildCatalog(t.store)).get("food")).toEqual(live);
  });
});
